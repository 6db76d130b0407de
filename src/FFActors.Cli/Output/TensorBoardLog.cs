using FFActors.Core.Evaluation;
using FFActors.Core.Training;
using TorchSharp;

namespace FFActors.Cli.Output;

/// <summary>
/// TensorBoard event files of a run (<c>train --tensorboard</c>): per epoch the run's time,
/// samples/s and validation accuracy, and per layer its loss, goodness of positives and
/// negatives, separation, dead units, learning rate and diagnostics; the test accuracies at the
/// last step. Written through TorchSharp's own <c>torch.utils.tensorboard</c> writer, so the
/// format is TensorBoard's, not ours. Open with <c>tensorboard --logdir RUN_DIR/tensorboard</c>.
/// </summary>
public static class TensorBoardLog
{
    public const string Folder = "tensorboard";

    /// <summary>Writes every epoch of <paramref name="metrics"/> (step = epoch number within the run, greedy phases one after another).</summary>
    /// <remarks>A resumed run writes the whole history again, so earlier event files of the folder are removed first.</remarks>
    public static void Write(string dir, IReadOnlyList<EpochMetrics> metrics, EvaluationResult? result)
    {
        if (Directory.Exists(dir))
            foreach (var old in Directory.EnumerateFiles(dir, "events.out.tfevents.*")) File.Delete(old);
        Directory.CreateDirectory(dir);
        var writer = torch.utils.tensorboard.SummaryWriter(dir);
        for (int i = 0; i < metrics.Count; i++)
        {
            var m = metrics[i];
            int step = i + 1;
            writer.add_scalar("epoch/seconds", (float)m.Seconds, step);
            writer.add_scalar("epoch/samples_per_s", (float)m.SamplesPerSecond, step);
            if (m.ValidationAccuracy is { } v) writer.add_scalar("epoch/validation_accuracy", (float)v, step);
            foreach (var l in m.Layers)
            {
                var tag = $"layer{l.Layer}";
                writer.add_scalar($"{tag}/loss", (float)l.Loss, step);
                writer.add_scalar($"{tag}/goodness_pos", (float)l.GoodPos, step);
                writer.add_scalar($"{tag}/goodness_neg", (float)l.GoodNeg, step);
                writer.add_scalar($"{tag}/separation", (float)l.Separation, step);
                writer.add_scalar($"{tag}/dead_units", (float)l.DeadUnits, step);
                writer.add_scalar($"{tag}/lr", (float)l.LearningRate, step);
            }
            foreach (var d in m.Diagnostics ?? [])
            {
                var tag = $"layer{d.Layer}/diagnostics";
                writer.add_scalar($"{tag}/separation", (float)d.Separation, step);
                writer.add_scalar($"{tag}/dead_units", (float)d.DeadUnits, step);
                writer.add_scalar($"{tag}/saturated_units", (float)d.SaturatedUnits, step);
            }
        }
        if (result is not null)
        {
            int last = Math.Max(1, metrics.Count);
            if (!double.IsNaN(result.GoodnessAccuracy)) writer.add_scalar("test/goodness_accuracy", (float)result.GoodnessAccuracy, last);
            if (!double.IsNaN(result.HeadAccuracy)) writer.add_scalar(result.ProbeOnly ? "test/probe_accuracy" : "test/head_accuracy", (float)result.HeadAccuracy, last);
        }
    }
}
