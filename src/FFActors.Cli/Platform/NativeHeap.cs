using System.Runtime.InteropServices;
using FFActors.Core.Layers;
using FFActors.Core.Training;

namespace FFActors.Cli.Platform;

/// <summary>
/// Hands the native memory that tensors freed back to the operating system (<c>run.release-freed-memory</c>). glibc's
/// allocator keeps freed chunks in each thread's arena for reuse, and the layer, coordinator and head threads each
/// allocate their own mix of sizes, so without this the resident set of a run creeps up epoch by epoch to several
/// times what is live. <c>malloc_trim(0)</c> returns every arena's free pages; it moves no live memory, so nothing the
/// run computes changes. The CLI calls it between epochs (the libraries never do); on a C library without it
/// (musl, macOS) it does nothing.
/// </summary>
public static class NativeHeap
{
    static bool unavailable;

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    /// <summary>Returns the freed memory of every arena to the OS; false where the C library has no malloc_trim.</summary>
    public static bool Release()
    {
        if (unavailable || !OperatingSystem.IsLinux()) return false;
        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            unavailable = true;
            return false;
        }
    }

    /// <summary>Passes everything on to <paramref name="inner"/> and releases the freed memory after every epoch (on the
    /// coordinator's thread, while the next epoch's first batches may already run: the trim locks each arena in turn).</summary>
    public sealed class ReleaseAfterEachEpoch(ITrainingObserver inner) : ITrainingObserver
    {
        public void PhaseStarted(string title, long samples) => inner.PhaseStarted(title, samples);

        public void BatchCompleted(int samples, IReadOnlyList<(int Layer, LayerStepStats Stats)> stats) => inner.BatchCompleted(samples, stats);

        public void EpochCompleted(EpochMetrics metrics)
        {
            inner.EpochCompleted(metrics);
            Release();
        }
    }
}
