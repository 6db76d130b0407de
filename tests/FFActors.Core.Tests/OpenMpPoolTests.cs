using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

/// <summary>
/// Setup work must not leave an OpenMP pool on a thread that does not train (<see cref="TorchSetup.OnOneThread{T}"/>).
/// libgomp's pool workers take the name of the thread that created them, so the process's threads of one name show
/// whether that thread holds a pool (Linux: /proc/self/task).
/// </summary>
public sealed class OpenMpPoolTests
{
    [LinuxFact]
    public void Loading_data_with_two_intra_op_threads_leaves_no_pool_where_a_parallel_op_leaves_one()
    {
        const string name = "ffa-omp-probe";
        var (afterLoad, afterOp) = OnNamedThread(name, () =>
        {
            int before = get_num_threads();
            set_num_threads(2);
            try
            {
                using (Mnist.Load(trainLimit: 20_000, testLimit: 10)) { }
                int load = ThreadsNamed(name);
                // The probe sees a pool: an elementwise op over 15.7 M floats runs in parallel and leaves one.
                using (var scope = NewDisposeScope()) ones(20_000, 784).mul(KeptScalars.Of(2f));
                return (load, ThreadsNamed(name));
            }
            finally
            {
                set_num_threads(before);
            }
        });
        Assert.Equal(1, afterLoad);
        Assert.Equal(2, afterOp);
    }

    [LinuxFact]
    public void A_transient_thread_returns_its_result_rethrows_and_takes_its_pool_with_it()
    {
        int threadsSeen = TorchSetup.OnTransientThread(2, () =>
        {
            using (var scope = NewDisposeScope()) ones(20_000, 784).mul(KeptScalars.Of(2f));
            return ThreadsNamed("ffactors-setup");
        });
        Assert.Equal(2, threadsSeen); // the thread and its pool's worker
        // The pool's worker ends after its thread; give it a moment.
        for (int i = 0; i < 100 && ThreadsNamed("ffactors-setup") > 0; i++) Thread.Sleep(20);
        Assert.Equal(0, ThreadsNamed("ffactors-setup"));

        var e = Assert.Throws<InvalidOperationException>(() => TorchSetup.OnTransientThread<int>(1, () => throw new InvalidOperationException("boom")));
        Assert.Equal("boom", e.Message);
    }

    static int ThreadsNamed(string name) =>
        Directory.GetDirectories("/proc/self/task").Count(task => Comm(task) == name);

    static string? Comm(string task)
    {
        try { return File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'); }
        catch (IOException) { return null; } // the thread ended meanwhile
    }

    static T OnNamedThread<T>(string name, Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { error = e; }
        }) { Name = name };
        thread.Start();
        thread.Join();
        if (error is not null) throw new Exception($"thread {name} failed", error);
        return result;
    }
}
