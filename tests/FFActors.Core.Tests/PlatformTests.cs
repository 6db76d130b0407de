using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

/// <summary>
/// The Debian 12 loading fix (build/TorchSharpOnDebian.targets): TorchSharp-cpu 0.107.0's
/// libLibTorchSharp.so requires GLIBCXX_3.4.32, which GCC 12's libstdc++ lacks; the build marks
/// that requirement WEAK in its own copies of the library.
/// </summary>
public sealed partial class PlatformTests : IDisposable
{
    const string Version = "GLIBCXX_3.4.32";
    const string SystemLibstdcxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
    readonly TempFolder dir = new();
    public void Dispose() => dir.Dispose();

    static (int Exit, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The test host inherits MSBuild settings from `dotnet test`; a child build must not reuse them.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), $"{file} did not finish");
        return (p.ExitCode, stdout + stderr.Result);
    }

    [GeneratedRegex(@"Name:\s*GLIBCXX_3\.4\.32\s+Flags:\s*(\S+)")]
    private static partial Regex FlagsLine();

    /// <summary>The vna_flags readelf shows for the GLIBCXX_3.4.32 requirement: "none" or "WEAK".</summary>
    static string Flags(string library)
    {
        Assert.True(File.Exists(library), $"{library} not found");
        var (exit, output) = Run("readelf", "-V", "-W", library);
        Assert.True(exit == 0, $"readelf failed: {output}");
        var m = FlagsLine().Match(output);
        Assert.True(m.Success, $"{library} has no {Version} requirement:\n{output}");
        return m.Groups[1].Value;
    }

    static bool SystemHasVersion()
    {
        var hay = File.ReadAllBytes(SystemLibstdcxx);
        return hay.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Version + "\0")) >= 0;
    }

    static string NuGetOriginal()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(root))
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    /// <summary>The fix is for Linux x64 with Debian's library layout: reported as skipped elsewhere.</summary>
    sealed class DebianLayoutFactAttribute : FactAttribute
    {
        public DebianLayoutFactAttribute()
        {
            if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
                Skip = "the loading fix is for Linux x64 only";
            else if (!File.Exists(SystemLibstdcxx))
                Skip = $"no {SystemLibstdcxx}: not Debian's library layout";
        }
    }

    [DebianLayoutFact]
    public void Output_copy_is_weak_exactly_when_the_system_libstdcxx_lacks_the_version()
    {
        var lib = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var expected = SystemHasVersion() ? "none" : "WEAK";
        Assert.Equal(expected, Flags(lib));
    }

    [LinuxX64Fact]
    public void Weaken_target_patches_a_copy_idempotently_and_leaves_the_NuGet_cache_alone()
    {
        var original = NuGetOriginal();
        Assert.True(File.Exists(original), $"TorchSharp 0.107.0 not in the NuGet cache at {original}");
        Assert.Equal("none", Flags(original));

        var copy = dir.File("libLibTorchSharp.so");
        File.Copy(original, copy);
        var targets = Path.Combine(RepoPaths.Root, "build", "TorchSharpOnDebian.targets");
        string[] args = ["msbuild", targets, "-t:FFActorsWeakenFile", $"-p:LibraryPath={copy}", "-p:Force=true", "-nologo", "-nodeReuse:false"];
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

        var (exit, output) = Run(dotnet, args);
        Assert.True(exit == 0, $"msbuild failed:\n{output}");
        Assert.Equal("WEAK", Flags(copy));
        var once = File.ReadAllBytes(copy);

        // Only the low byte of vna_flags changed (0x0 → 0x2).
        var orig = File.ReadAllBytes(original);
        Assert.Equal(orig.Length, once.Length);
        Assert.Single(Enumerable.Range(0, orig.Length), i => orig[i] != once[i]);

        (exit, output) = Run(dotnet, args);
        Assert.True(exit == 0, $"second msbuild failed:\n{output}");
        Assert.Equal(once, File.ReadAllBytes(copy));
        Assert.Equal("WEAK", Flags(copy));

        Assert.Equal("none", Flags(original));
        Assert.False(File.Exists(copy + ".weak.tmp"));
    }

    [Fact]
    public void Torch_loads_and_computes()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, Tensors.Floats(a.matmul(b)));
        // The bitwise comparison the other tests rely on.
        Assert.True(Tensors.Same(a, a.clone()));
        Assert.False(Tensors.Same(a, b));
        Assert.False(Tensors.Same(a, tensor(new float[] { 1, 2, 3, 4.0000005f }, [2, 2])));
        Assert.False(Tensors.Same(a, a.reshape(4)));
        Assert.Equal(CPU.type, TorchSetup.DeviceFor("cpu").type);
        Assert.Throws<ArgumentException>(() => TorchSetup.DeviceFor("tpu"));
    }
}
