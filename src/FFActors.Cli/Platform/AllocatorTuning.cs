using System.Runtime.InteropServices;

namespace FFActors.Cli.Platform;

/// <summary>
/// glibc's allocator settings for tensor work: one arena, no mmap for large blocks and no automatic trimming
/// (<see cref="FFActors.Core.Platform.NativeMemory"/> trims when the resident set has grown). glibc reads them only at process start
/// (<c>GLIBC_TUNABLES</c>), so <see cref="Apply"/> starts the process again with them, once, before anything else runs.
/// </summary>
/// <remarks>
/// Without them every tensor above glibc's mmap threshold (at most 32 MB; a CwC-FF block's activations at batch 128
/// are 24–48 MB) is a fresh mmap: the kernel zeroes its pages on first touch and unmaps them on free, every step.
/// A mallopt() from inside the process comes too late: the runtime's threads already hold arenas of their own, whose
/// 64 MB heaps still mmap large blocks (measured: half of the gain). Measured on 60 batches of the shipped CwC-FF MNIST
/// sample, 2 cores: 4.0–7.5 million page faults, 13–25 s of system time and 181–222 samples/s with glibc's defaults;
/// 0.9–1.1 million, 6–7 s and 244–274 samples/s restarted with these settings.
/// A user who sets <c>GLIBC_TUNABLES</c> keeps their own settings (no restart).
/// </remarks>
public static class AllocatorTuning
{
    public const string Variable = "GLIBC_TUNABLES";
    public const string Tunables = "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184";

    [DllImport("libc", EntryPoint = "gnu_get_libc_version")]
    static extern IntPtr GnuLibcVersion();

    [DllImport("libc", EntryPoint = "execve", SetLastError = true)]
    static extern int Execve(string path, string?[] argv, string?[] envp);

    /// <summary>
    /// Replaces the process with the same command line plus <see cref="Tunables"/> unless <c>GLIBC_TUNABLES</c> is set
    /// already (by the restart itself or by the user) or this is not Linux with glibc. Returns when it did not restart,
    /// including when the restart failed (the process then goes on with glibc's defaults).
    /// </summary>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is not null || !IsGlibc()) return;
        string[] argv;
        try
        {
            var cmdline = File.ReadAllText("/proc/self/cmdline");
            // Every argument ends with a NUL; drop only the last one, so an empty last argument survives.
            argv = (cmdline.EndsWith('\0') ? cmdline[..^1] : cmdline).Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        if (argv.Length == 0 || argv[0].Length == 0) return;
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => $"{e.Key}={e.Value}")
            .Append($"{Variable}={Tunables}");
        Execve("/proc/self/exe", [.. argv, null], [.. env, null]);
    }

    static bool IsGlibc()
    {
        try
        {
            return GnuLibcVersion() != IntPtr.Zero;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
