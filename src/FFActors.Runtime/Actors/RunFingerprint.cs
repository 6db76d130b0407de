using FFActors.Core;
using FFActors.Core.Training;

namespace FFActors.Runtime.Actors;

/// <summary>What must match for a checkpoint to be resumed by a run's configuration.</summary>
internal static class RunFingerprint
{
    public static string Of(FFConfig c, int trainSamples) =>
        $"layers={string.Join('-', c.Model.Layers)};norm={c.Model.InputNorm};goodness={c.Model.Goodness};" +
        $"batch={c.Train.BatchSize};seed={c.Run.Seed};train={trainSamples};negatives={c.Train.Negatives};" +
        $"optimizer={c.Train.OptimizerOrDefault.Kind};collab={Collaboration(c.Train.CollaborationOrDefault)};" +
        $"negative-options={string.Join(',', c.Train.NegativeOptionsOrEmpty.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}:{kv.Value:R}"))};" +
        $"model-view-refresh={c.Train.ModelViewRefresh}" +
        c.Model.Kind.Fingerprint(c.Model) +
        (c.Train.LayerEpochs is { } ilt ? $";ilt={string.Join(',', ilt)}" : "") +
        (c.Data.AugmentOrDefault is { Enabled: true } a
            ? $";augment=shift{a.Shift},flip{a.Flip}" + (a.Warps ? $",rotate{a.Rotate:R},scale{a.Scale:R}" : "")
            : "") +
        // A greedy checkpoint counts its epochs over the whole schedule (GreedyRunner); simultaneous ones keep their old text.
        (c.Train.Schedule == Schedule.Greedy ? $";schedule=greedy,epochs={c.Train.Epochs}" : "");

    /// <summary>Without a remedy, written as checkpoints from before remedies existed wrote it, so those still resume.</summary>
    static string Collaboration(CollaborationOptions o) => o.Remedy == CollaborationRemedy.None
        ? FormattableString.Invariant($"CollaborationOptions {{ Scale = {o.Scale}, Mode = {o.Mode}, Exchange = {o.Exchange}, Enabled = {o.Enabled} }}")
        : FormattableString.Invariant($"CollaborationOptions {{ Scale = {o.Scale:R}, Mode = {o.Mode}, Exchange = {o.Exchange}, Remedy = {o.Remedy}, Enabled = {o.Enabled} }}");
}
