using System.Diagnostics;
using FFActors.Cli.Jobs;
using FFActors.Cli.Output;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Cli.Experiments;

/// <summary>An FF network's features: normalised activities under the neutral label overlay (the softmax head's input).</summary>
/// <param name="overlay">The model's overlay (model.label-input): its neutral form is what the features are read with.</param>
sealed class FFFeatures(FFNetwork net, LabelOverlay overlay, IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, double[]> curves) : IFeatureSource
{
    public int LayerCount => net.Layers.Count;

    public Tensor Features(Tensor x, int[] layers) => SoftmaxHead.Features(net, x, overlay, layers);

    public IReadOnlyDictionary<string, double> SourceMetrics => metrics;

    public bool HasBatchNorm => BatchNormStatistics.Has(net);

    public void EstimateBatchNorm(Dataset target, int batchSize) => BatchNormStatistics.Recompute(net, target, batchSize);

    public IReadOnlyDictionary<string, double[]> SourceCurves => curves;

    /// <summary>Trains on the source dataset exactly as `ffactors train` does (run folder in the arm's folder; a stopped one is continued), then freezes.</summary>
    public static IFeatureSource Train(FeatureArmContext ctx)
    {
        var config = ctx.Config.Config with { Run = ctx.Config.Config.Run with { OutDir = ctx.Folder, Name = ArmRunFolder.Name } };
        var data = ctx.Source();
        var (run, resume) = ArmRunFolder.Open(ctx.Folder, ctx.Config, data);
        using var _ = run;
        var job = new TrainJob(config, ctx.Config.Runtime, resumeDir: resume ? run.Path : null);
        var clock = Stopwatch.StartNew();
        var trained = job.Train(data, run, ctx.Observer, ctx.Cancel);
        var done = job.Finish(data, run, trained, clock);
        if (done.Evaluation is not { } e)
        {
            trained.Network.Dispose();
            throw new OperationCanceledException("training was stopped");
        }
        // A label-free run has no goodness readout (NaN): record none rather than a NaN.
        var metrics = new Dictionary<string, double> { ["train_seconds"] = done.TrainSeconds };
        if (!double.IsNaN(e.GoodnessAccuracy)) metrics["source_goodness"] = e.GoodnessAccuracy;
        if (!double.IsNaN(e.HeadAccuracy)) metrics["source_head"] = e.HeadAccuracy;
        ArmRunner.NoteResume(metrics, trained);
        return new FFFeatures(trained.Network, LabelOverlay.For(config.Model), metrics, ExperimentCurves.Of(trained.Metrics));
    }

    public void Dispose() => net.Dispose();
}
