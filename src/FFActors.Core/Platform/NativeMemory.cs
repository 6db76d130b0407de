using System.Runtime.InteropServices;

namespace FFActors.Core.Platform;

/// <summary>
/// Hands freed native memory back to the OS (glibc <c>malloc_trim</c>) when the resident set has grown
/// (<see cref="HeapTrimPolicy"/>), checked every <see cref="StepsPerCheck"/> training steps.
/// </summary>
/// <remarks>
/// Why trim at all: after glibc frees the first mmapped block it raises its adaptive mmap threshold, later blocks of
/// that size come from the heap, and freed heap memory stays resident (under the CLI's AllocatorTuning,
/// every block does). With TorchSharp's Adam (weight-sized temporaries
/// every step) the resident set of 784-1000×3 grew by about the model size per step; a CwC-FF run without trims grew
/// from 1.4 to 2.2 GB in 190 steps, with a trim every 16 steps it stayed at 1.0–1.4 GB. Pinning the threshold instead
/// makes every activation an mmap/munmap (much more system time). Why not every 16 steps, as before: a trim also
/// returns the free memory the next step reuses, whose pages then fault in again. Dense layers (one-pass Adam) keep a
/// flat resident set without trims (784-1000×3, 5 epochs: 740–836 MB); 784-500-500 at batch 1000, 3 epochs in pipeline
/// mode, made 276 000 page faults and spent 1.3 s in the kernel with this policy against 503 000 and 2.2 s with a trim
/// every 16 steps (samples/s within the machine's noise, 0–5 % better). A no-op off glibc.
/// </remarks>
public static class NativeMemory
{
    public const int StepsPerCheck = 16;
    static long steps;
    static bool unavailable = !OperatingSystem.IsLinux();
    static readonly HeapTrimPolicy policy = new();
    static readonly object gate = new();

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    /// <summary>Counts one training step or evaluation pass of a layer (any thread); every <see cref="StepsPerCheck"/>-th checks the resident set.</summary>
    public static void AfterStep()
    {
        if (unavailable || Interlocked.Increment(ref steps) % StepsPerCheck != 0) return;
        Check();
    }

    /// <summary>How many times the resident set has been checked in this process.</summary>
    public static long Checks => Interlocked.Read(ref checks);
    static long checks;

    /// <summary>How many times the heap has been trimmed in this process.</summary>
    public static long Trims => Interlocked.Read(ref trims);
    static long trims;

    /// <summary>Reads the resident set and trims the heap when <see cref="HeapTrimPolicy"/> says it has grown enough.</summary>
    public static void Check()
    {
        if (unavailable || ResidentBytes() is not { } resident) return;
        Interlocked.Increment(ref checks);
        bool trim;
        lock (gate) trim = policy.ShouldTrim(resident);
        if (trim) Trim();
    }

    /// <summary>The process's resident set in bytes (/proc/self/statm), or null where there is none.</summary>
    public static long? ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static void Trim()
    {
        if (unavailable) return;
        try
        {
            MallocTrim(0);
            Interlocked.Increment(ref trims);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            unavailable = true; // not glibc (e.g. musl): nothing to do
        }
    }
}
