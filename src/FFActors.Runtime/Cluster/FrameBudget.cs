using FFActors.Core;
using FFActors.Core.Negatives;
using FFActors.Core.Training;
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
        return Math.Max(train, Math.Max(eval, LargestCheckpoint(config)));
    }

    /// <summary>
    /// The largest layer checkpoint: every parameter with two Adam moments (SGD momentum is smaller), the module's buffers
    /// and the state vector. Counted on each layer's module as its kind builds it, since a kind may own more than the
    /// dense map of <c>model.layers</c> (a predictor, a generator, class prototypes).
    /// </summary>
    static long LargestCheckpoint(FFConfig config)
    {
        long checkpoint = 0;
        foreach (var spec in FFNetwork.SpecsFor(config.Model, config.Train.OptimizerOrDefault, config.Train.LayerEpochs,
                     NegativeSetup.Of(config).SharedHalves, config.Train.CollaborationOrDefault))
        {
            using var init = new TorchSharp.torch.Generator(0);
            using var module = spec.CreateModule(init, "budget");
            long parameters = module.parameters().Sum(p => p.numel());
            long buffers = module.buffers().Sum(b => b.numel());
            checkpoint = Math.Max(checkpoint, (parameters * 3 + buffers + spec.OutputSize) * 4L + CheckpointHeaders);
        }
        return checkpoint;
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
