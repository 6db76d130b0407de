using Akka.Actor;
using FFActors.Runtime.Checkpoints;
using FFActors.Runtime.Protocol;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>
/// Writes consistent checkpoints: asks every layer for its part (<see cref="SaveCheckpoint"/>), stores each
/// part as it comes, then the run snapshot, then commits. States: idle, writing one checkpoint. A new
/// request abandons one in progress (a restore came in between); answers of an abandoned write are dropped.
/// </summary>
internal sealed class CheckpointWriter : CoordinatorPart
{
    readonly CheckpointStore store;
    WriteCheckpoint? current;
    IActorRef? requester;
    int acks;

    public CheckpointWriter(CheckpointStore store, int threads) : base(threads)
    {
        this.store = store;
        Become(Idle);
    }

    public static Props Props(CheckpointStore store, int threads, string dispatcher) =>
        Akka.Actor.Props.Create(() => new CheckpointWriter(store, threads)).WithDispatcher(dispatcher);

    void Idle()
    {
        Receive<WriteCheckpoint>(Start);
        Receive<CheckpointSaved>(_ => { });
        Receive<AbandonCheckpoint>(_ => { });
    }

    void Writing()
    {
        Receive<WriteCheckpoint>(Start);
        Receive<CheckpointSaved>(OnSaved);
        Receive<AbandonCheckpoint>(_ =>
        {
            current = null;
            Become(Idle);
        });
    }

    void Start(WriteCheckpoint w)
    {
        current = w;
        requester = Sender;
        acks = 0;
        foreach (var l in w.Layers) l.Tell(new SaveCheckpoint(w.Stamp, w.Snapshot.CheckpointId!), Self);
        Become(Writing);
    }

    void OnSaved(CheckpointSaved m)
    {
        var w = current!;
        if (m.Stamp != w.Stamp || m.CheckpointId != w.Snapshot.CheckpointId) return;
        store.Write(m.CheckpointId, LayerActor.FileName(m.Layer), m.Data);
        if (++acks < w.Layers.Count) return;
        store.Write(m.CheckpointId, RunSnapshot.FileName, w.Snapshot.ToBytes());
        store.Commit(m.CheckpointId);
        current = null;
        requester!.Tell(new CheckpointWritten(w.Stamp, w.Snapshot, w.Reason), Self);
        Become(Idle);
    }
}
