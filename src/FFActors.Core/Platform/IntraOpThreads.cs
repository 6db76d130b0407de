using static TorchSharp.torch;

namespace FFActors.Core.Platform;

/// <summary>
/// Per-thread intra-op parallelism. libtorch (OpenMP build, as TorchSharp-cpu ships) keeps the
/// thread count in two places: a process-global default, and each OS thread's own OpenMP setting,
/// which a thread takes from the global default lazily on its first parallel operation.
/// <c>torch.set_num_threads</c> writes both. Calling <c>get_num_threads</c> first forces the lazy
/// initialisation, so the following <c>set_num_threads</c> sticks to the calling thread even when
/// other threads later change the global default. Each actor thread calls <see cref="Ensure"/>
/// at the start of every tensor handler (a cheap check); <see cref="Set"/> is for a thread that
/// starts tensor work and wants the process default to follow.
/// </summary>
public static class IntraOpThreads
{
    /// <summary>Sets the calling thread's count, and with it libtorch's process default, even when the thread already has it.</summary>
    public static void Set(int threads)
    {
        get_num_threads();
        set_num_threads(threads);
    }

    public static void Ensure(int threads)
    {
        if (threads <= 0) return;
        if (get_num_threads() != threads) set_num_threads(threads);
    }
}
