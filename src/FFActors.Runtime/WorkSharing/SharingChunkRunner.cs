using FFActors.Core.Kernels;
using FFActors.Core.Layers;
using Akka.Actor;
using FFActors.Core.Platform;

namespace FFActors.Runtime.WorkSharing;

/// <summary>
/// A layer actor's chunk runner: offers each computation's chunks to one actor of every other lane of its
/// <see cref="LaneGroup"/> (<see cref="HelpWith"/>), runs chunks itself meanwhile, and returns when all are done.
/// A helper that is busy with its own layer simply finds no chunks left when it gets to the message. Used only
/// on the actor's own thread, inside its handlers.
/// </summary>
internal sealed class SharingChunkRunner(LaneGroup group, string lane, IActorRef self) : IChunkRunner
{
    /// <summary>Chunks of this layer that other lanes ran.</summary>
    public long ChunksShared { get; private set; }

    public void Run(int count, Action<int> chunk)
    {
        var helpers = count > 1 ? group.HelpersFor(lane) : [];
        if (helpers.Count == 0)
        {
            InlineChunks.Instance.Run(count, chunk);
            return;
        }
        var job = new ChunkJob(count, chunk);
        var offer = new HelpWith(job);
        foreach (var helper in helpers) helper.Tell(offer, self);
        int mine = job.Help();
        job.Wait();
        ChunksShared += count - mine;
    }
}
