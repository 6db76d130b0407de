using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Actors;
using FFActors.Runtime.Checkpoints;

namespace FFActors.Runtime;

/// <summary>
/// Trains with the greedy schedule (layer by layer, in-process: <see cref="FFTrainer"/>) and checkpoints it into the
/// run folder the way the actor runtime does: each layer's <see cref="LayerCheckpoint"/> and a <see cref="RunSnapshot"/>
/// (whose epoch counts over the whole schedule, see <see cref="GreedyPoint"/>) under <c>runDir/checkpoints</c>, after an
/// epoch once <c>runtime.checkpoint-every</c> batches have run since the last (0: every epoch), and when a stop comes
/// between epochs. <c>--resume</c> continues from the last one and ends with the weights of an uninterrupted run.
/// </summary>
public static class GreedyRunner
{
    public static PipelineResult Train(FFConfig config, RuntimeOptions runtime, DataSplits data, string? runDir, bool resume,
        ITrainingObserver observer, CancellationToken cancel)
    {
        runtime.ValidateRun(runDir, resume);
        var store = runtime.Checkpoints && runDir is not null ? new DirectoryCheckpointStore(Path.Combine(runDir, "checkpoints"), runtime.CheckpointKeep) : null;
        string fingerprint = RunFingerprint.Of(config, data.Train.Count);
        var log = new List<string>();
        var net = new FFNetwork(config, data.Train.Device);
        try
        {
            var from = resume ? ResumePoint(store!, fingerprint, net, config.Train.Epochs, log) : null;
            var checkpoints = store is null ? null : new GreedyCheckpointing(from, runtime.CheckpointEvery, p => Save(store, fingerprint, net, p));
            var trainer = new FFTrainer(config, observer);
            var metrics = trainer.Train(net, data, cancel, checkpoints);
            // Greedy checkpoints fall between epochs: the time before a resume is its finished epochs'.
            return new PipelineResult(metrics, net, Completed: !trainer.Stopped, Log: log) { SecondsBeforeResume = from?.Metrics.Sum(m => m.Seconds) ?? 0 };
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    static void Save(CheckpointStore store, string fingerprint, FFNetwork net, GreedyPoint p)
    {
        string id = RunSnapshot.IdAt(p.Epoch, 0);
        for (int l = 0; l < net.Layers.Count; l++) store.Write(id, LayerActor.FileName(l), LayerCheckpoint.ToBytes(net.Layers[l]));
        var snap = new RunSnapshot(p.Epoch, 0, id, fingerprint, p.OrderState, p.NegativeState, new StatsSums(net.Layers.Count), 0, p.Metrics, null);
        store.Write(id, RunSnapshot.FileName, snap.ToBytes());
        store.Commit(id);
    }

    static GreedyPoint? ResumePoint(CheckpointStore store, string fingerprint, FFNetwork net, int epochs, List<string> log)
    {
        if (store.LatestSnapshot(fingerprint, log) is not { } latest) return null;
        var (id, snap) = latest;
        for (int l = 0; l < net.Layers.Count; l++) LayerCheckpoint.FromBytes(net.Layers[l], store.Read(id, LayerActor.FileName(l)));
        string where = snap.Epoch >= net.Layers.Count * epochs ? "training finished" : $"layer {snap.Epoch / epochs + 1}, epoch {snap.Epoch % epochs + 1}";
        log.Add($"resumed from checkpoint {id} ({where}) at {store.Describe(id)}");
        return new GreedyPoint(snap.Epoch, snap.OrderState, snap.NegativeState, snap.Metrics);
    }
}
