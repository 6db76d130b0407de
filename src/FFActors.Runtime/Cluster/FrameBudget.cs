using FFActors.Core;
using FFActors.Runtime.Serialization;

namespace FFActors.Runtime.Cluster;

/// <summary>
/// The transport frame a configuration needs: the largest message it can produce, with room to spare.
/// Every node computes it from the same configuration (or is given the same number), and the
/// coordinator refuses to start when a layer host's frame is smaller.
/// </summary>
public static class FrameBudget
{
    const long PerTensor = 64;            // MessagePack headers, dtype and shape of one tensor
    const long CheckpointHeaders = 64 * 1024; // TorchSharp's module and optimizer-state framing

    /// <param name="trainSamples">Training samples (what a batch size of 0, the full batch, means).</param>
    public static long LargestMessage(FFConfig config, int trainSamples)
    {
        var widths = config.Model.Layers;
        int layers = widths.Length - 1;
        long maxWidth = widths.Max();
        long batch = config.Train.BatchSize <= 0 ? trainSamples : Math.Min(config.Train.BatchSize, Math.Max(1, trainSamples));
        long evalBatch = Math.Max(1, config.Eval.BatchSize);
        // Activations of a training (or probe) batch, positive and negative, with the [L, B] γ rows.
        long train = 2 * batch * maxWidth * 4 + 2 * layers * batch * 4 + 4 * PerTensor;
        long eval = evalBatch * maxWidth * 4 + PerTensor;
        // A checkpoint: weights and bias, two Adam moments of each (SGD momentum is smaller), running mean.
        long checkpoint = 0;
        for (int l = 0; l < layers; l++)
        {
            long parameters = (long)widths[l] * widths[l + 1] + widths[l + 1];
            checkpoint = Math.Max(checkpoint, parameters * 4 * 3 + widths[l + 1] * 4L + CheckpointHeaders);
        }
        return Math.Max(train, Math.Max(eval, checkpoint));
    }

    /// <summary>Frame size for <paramref name="config"/>: the largest message plus a quarter, the envelope reserve, rounded up to 64 KiB.</summary>
    public static long FrameFor(FFConfig config, int trainSamples)
    {
        long need = LargestMessage(config, trainSamples);
        long frame = need + need / 4 + WireSerializer.EnvelopeReserve;
        const long unit = 64 * 1024;
        frame = (frame + unit - 1) / unit * unit;
        if (frame > int.MaxValue) throw new ArgumentException($"cluster: the largest message of this configuration ({need:N0} bytes) exceeds the transport's 2 GiB frame limit; use a smaller train.batch-size");
        return frame;
    }
}
