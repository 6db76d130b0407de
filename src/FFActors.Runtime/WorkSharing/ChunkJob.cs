using System.Runtime.ExceptionServices;

namespace FFActors.Runtime.WorkSharing;

/// <summary>
/// The chunks of one computation, claimed one at a time by its owner and by any helper that is idle. The owner
/// claims too, so it never waits for a helper that is busy elsewhere; it waits at most for the chunks that
/// helpers have already started. A chunk that throws stops the remaining ones from starting, and the owner
/// rethrows it from <see cref="Wait"/>.
/// </summary>
internal sealed class ChunkJob(int count, Action<int> chunk)
{
    int next = -1;
    int finished;
    Exception? failure;
    readonly ManualResetEventSlim done = new(count == 0);

    public int Count => count;

    /// <summary>Runs unclaimed chunks on the calling thread until none are left; returns how many it ran.</summary>
    public int Help()
    {
        int ran = 0;
        while (true)
        {
            int i = Interlocked.Increment(ref next);
            if (i >= count) return ran;
            if (Volatile.Read(ref failure) is null)
            {
                try
                {
                    chunk(i);
                    ran++;
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
            }
            if (Interlocked.Increment(ref finished) == count) done.Set();
        }
    }

    /// <summary>Blocks until every chunk has finished; rethrows the first chunk's exception, if any.</summary>
    public void Wait()
    {
        done.Wait();
        if (Volatile.Read(ref failure) is { } e) ExceptionDispatchInfo.Throw(e);
    }
}
