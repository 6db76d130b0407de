using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace FFActors.Core.Platform;

/// <summary>
/// Lets oneMKL, the BLAS inside TorchSharp-cpu's libtorch, choose its GEMM kernels on AMD processors the way it does on
/// Intel ones: by the CPU's features.
/// </summary>
/// <remarks>
/// oneMKL asks one exported function of libtorch_cpu.so, <c>mkl_serv_intel_cpu_true</c>, whether the CPU is Intel's, and
/// on any other vendor's it leaves some of its kernels unused. <see cref="Apply"/> overwrites the function's first
/// instructions with <c>return 1</c> before the process's first GEMM. The kernels oneMKL then picks still check the CPU's
/// feature flags (no AVX-512 kernel on a CPU without AVX-512); results differ from the vendor path's in the last bits
/// (another blocking, another summation order). Measured with <c>ffactors bench pipeline</c> run twice back to back on
/// the 2-core AMD EPYC (Zen 4) we develop on (README, Benchmark, "Session 16"): the square matmul at 216 against
/// 195 GFLOP/s on both cores, each dense layer's step at batch 1000 2–6 % shorter (at batch 100 the same), the pipeline
/// 7–10 % faster at batch 1000.
/// It runs as this assembly's module initializer so that every process doing FF math (the CLI, the benches, the test
/// hosts) patches before its first GEMM and all of them use the same kernels. <c>FFACTORS_MKL=vendor</c> leaves oneMKL
/// as it is.
/// </remarks>
public static class MklDispatch
{
    public const string Variable = "FFACTORS_MKL";
    const string Symbol = "mkl_serv_intel_cpu_true";
    const string Library = "libtorch_cpu.so";
    static readonly byte[] ReturnOne = [0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3]; // mov eax, 1; ret
    const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    static readonly Lock gate = new();

    /// <summary>What <see cref="Apply"/> did, for run logs and bench headers.</summary>
    public static string Status { get; private set; } = "vendor dispatch (not applied yet)";

    /// <summary>True when oneMKL answers "Intel" on this process's non-Intel CPU because of <see cref="Apply"/>.</summary>
    public static bool Patched { get; private set; }

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    static extern int Mprotect(IntPtr address, nuint length, int protection);

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Every process that trains must patch before its first GEMM; see the remarks.")]
    internal static void OnLoad()
    {
        try
        {
            Apply();
        }
        catch (Exception e)
        {
            // libtorch did not load: the first tensor operation will say why.
            Status = $"vendor dispatch ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")})";
        }
    }

    /// <summary>Patches oneMKL's vendor check on Linux x64 with an AMD CPU; idempotent. See the remarks of the class.</summary>
    public static void Apply()
    {
        lock (gate)
        {
            if (Patched) return;
            if (string.Equals(Environment.GetEnvironmentVariable(Variable), "vendor", StringComparison.OrdinalIgnoreCase))
            {
                Status = $"vendor dispatch ({Variable}=vendor)";
                return;
            }
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            {
                Status = "vendor dispatch (not Linux x64)";
                return;
            }
            string vendor = CpuVendor();
            if (vendor != "AuthenticAMD")
            {
                Status = $"vendor dispatch ({(vendor.Length == 0 ? "unknown CPU vendor" : vendor)})";
                return;
            }
            torch.InitializeDeviceType(DeviceType.CPU);
            string? path = MappedPath(Library);
            if (path is null)
            {
                Status = $"vendor dispatch ({Library} not mapped)";
                return;
            }
            var handle = NativeLibrary.Load(path);
            if (!NativeLibrary.TryGetExport(handle, Symbol, out var function))
            {
                Status = $"vendor dispatch ({Symbol} not exported by {path})";
                return;
            }
            if (!Matches(function))
            {
                long page = Environment.SystemPageSize;
                var start = (IntPtr)((long)function & ~(page - 1));
                // Two pages in case the six bytes straddle a page boundary.
                var length = (nuint)(2 * page);
                if (Mprotect(start, length, ProtRead | ProtWrite | ProtExec) != 0)
                {
                    Status = $"vendor dispatch (mprotect failed, errno {Marshal.GetLastPInvokeError()})";
                    return;
                }
                Marshal.Copy(ReturnOne, 0, function, ReturnOne.Length);
                Mprotect(start, length, ProtRead | ProtExec);
            }
            Patched = true;
            Status = $"Intel code paths on {vendor} ({Symbol} patched)";
        }
    }

    static bool Matches(IntPtr function)
    {
        var current = new byte[ReturnOne.Length];
        Marshal.Copy(function, current, 0, current.Length);
        return current.AsSpan().SequenceEqual(ReturnOne);
    }

    static string CpuVendor()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("vendor_id", StringComparison.Ordinal))
                    return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return "";
    }

    static string? MappedPath(string library)
    {
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            int slash = line.IndexOf('/');
            if (slash >= 0 && line.EndsWith("/" + library, StringComparison.Ordinal)) return line[slash..];
        }
        return null;
    }
}
