using System.Runtime.ExceptionServices;
using static TorchSharp.torch;

namespace FFActors.Core.Platform;

/// <summary>Process-wide TorchSharp settings: intra-op threads and the training device.</summary>
public static class TorchSetup
{
    public static Device Configure(RunOptions run)
    {
        int threads = run.Threads > 0 ? run.Threads : Environment.ProcessorCount;
        set_num_threads(threads);
        return DeviceFor(run.Device);
    }

    /// <summary>
    /// Runs setup work (loading data) on the calling thread with one intra-op thread, then restores the thread's count.
    /// </summary>
    /// <remarks>
    /// libgomp, the OpenMP runtime of TorchSharp-cpu's libtorch, keeps a pool of worker threads for every OS thread that
    /// ran a parallel op, for as long as that thread lives, and counts them all, idle ones too. Once they outnumber the
    /// cores, every pool stops spin-waiting between parallel ops and each op waits for a futex wake-up instead: Core's
    /// training loop with 2 intra-op threads ran 2.4× slower (88 000 context switches in two epochs instead of 1 000)
    /// while another live thread held a pool of 2. So only the threads that train hold pools: setup work on other
    /// threads runs with one thread (<see cref="OnOneThread{T}"/>), or on a thread that ends (<see cref="OnTransientThread{T}"/>),
    /// which frees its pool.
    /// </remarks>
    public static T OnOneThread<T>(Func<T> work)
    {
        int before = get_num_threads();
        if (before == 1) return work();
        set_num_threads(1);
        try { return work(); }
        finally { set_num_threads(before); }
    }

    /// <summary>
    /// Runs <paramref name="work"/> with <paramref name="threads"/> intra-op threads on a thread of its own that ends
    /// when it is done, so its OpenMP pool does not outlive it (see <see cref="OnOneThread{T}"/>). Exceptions are rethrown here.
    /// </summary>
    /// <param name="name">The thread's name (what its pool's workers are called too).</param>
    public static T OnTransientThread<T>(int threads, Func<T> work, string name = "ffactors-setup")
    {
        T result = default!;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                IntraOpThreads.Ensure(threads);
                result = work();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        }) { IsBackground = true, Name = name };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result;
    }

    public static Device DeviceFor(string name) => name switch
    {
        "cpu" => CPU,
        "cuda" when cuda.is_available() => CUDA,
        "cuda" => throw new ArgumentException("run.device: cuda is not available (this build uses TorchSharp-cpu; build with -p:TorchBackend=cuda on a CUDA host)"),
        _ => throw new ArgumentException($"run.device: unknown device '{name}' (expected cpu or cuda)"),
    };
}
