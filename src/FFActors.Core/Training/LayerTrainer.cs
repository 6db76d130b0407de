using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// One FF layer with its own optimizer: the unit of local learning. <see cref="Step"/> computes the
/// layer's output for a batch, updates the layer on that batch, and returns the output computed
/// BEFORE the update — the property that makes a layer-per-actor pipeline exactly equal to the
/// sequential all-layers-per-batch schedule.
/// </summary>
public sealed class LayerTrainer : IDisposable
{
    public LayerOptions Options { get; }
    public FFDenseLayer Layer { get; }
    public optim.Optimizer Optimizer { get; }
    public Objective Objective => Options.Objective;
    Tensor runningMean;

    public LayerTrainer(LayerOptions options, long seed, Device device)
    {
        Options = options;
        using var init = new Generator((ulong)SeedStreams.Derive(seed, SeedStreams.LayerInit, options.Index));
        Layer = new FFDenseLayer(options.InputSize, options.OutputSize, options.InputNorm, init, $"layer{options.Index}", options.SharedHalves);
        Layer.to(device);
        var o = options.Optimizer;
        Optimizer = o.Kind switch
        {
            OptimizerKind.Adam => optim.Adam(Layer.parameters(), o.LearningRate, weight_decay: o.WeightDecay),
            OptimizerKind.Sgd => optim.SGD(Layer.parameters(), o.LearningRate, momentum: o.Momentum, weight_decay: o.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
        runningMean = full([options.OutputSize], 0.5f, device: device).DetachFromDisposeScope();
    }

    /// <summary>Sets the learning rate for a 0-based epoch of the schedule.</summary>
    public void SetEpoch(int epoch, int epochs)
    {
        double lr = Options.Optimizer.LearningRateAt(epoch, epochs);
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = lr;
    }

    public double LearningRate => Optimizer.ParamGroups.First().LearningRate;

    /// <summary>Forward without learning (no autograd).</summary>
    public Tensor Forward(Tensor x)
    {
        using var _ = no_grad();
        return Layer.forward(x);
    }

    /// <summary>
    /// One local update on (pos, neg). <paramref name="collabPos"/>/<paramref name="collabNeg"/> are the
    /// already scaled, detached collaboration terms s·γ (null when collaboration is off).
    /// The returned tensors are detached and belong to the caller's dispose scope.
    /// </summary>
    public (LayerOutput Output, LayerStepStats Stats) Step(Tensor pos, Tensor neg, Tensor? collabPos = null, Tensor? collabNeg = null)
    {
        Layer.train();
        var hPos = Layer.forward(pos);
        var hNeg = Layer.forward(neg);
        var gPos = Objective.GoodnessOf(hPos);
        var gNeg = Objective.GoodnessOf(hNeg);
        var loss = Objective.LossOf(gPos, gNeg, collabPos, collabNeg);
        if (Options.PeerNorm > 0)
        {
            // Hinton's peer normalisation (as in loeweX): keep every unit's running mean activity
            // near the layer's average so no unit is always off or always on.
            var mean = runningMean.mul(KeptScalars.Of(0.9)) + hPos.mean([0]).mul(KeptScalars.Of(0.1));
            loss = loss + (mean.mean() - mean).square().mean().mul(KeptScalars.Of(Options.PeerNorm));
            var updated = mean.detach();
            runningMean.Dispose();
            runningMean = updated.DetachFromDisposeScope();
        }
        Optimizer.zero_grad();
        loss.backward();
        Optimizer.step();

        var outPos = hPos.detach();
        var outNeg = hNeg.detach();
        using var s = stack([
            loss.detach(),
            gPos.detach().mean(),
            gNeg.detach().mean(),
            cat([gPos.detach().gt(KeptScalars.Of(Objective.Threshold)), gNeg.detach().le(KeptScalars.Of(Objective.Threshold))]).to(ScalarType.Float32).mean(),
            outPos.amax([0]).le(KeptScalars.Of(0.0)).to(ScalarType.Float32).mean(),
        ]).cpu();
        var v = s.data<float>().ToArray();
        NativeMemory.AfterStep();
        return (new LayerOutput(outPos, outNeg), new LayerStepStats(v[0], v[1], v[2], v[3], v[4]));
    }

    /// <summary>Peer-normalisation running means: part of the layer's training state.</summary>
    public Tensor RunningMean => runningMean;

    public void Dispose()
    {
        Optimizer.Dispose();
        Layer.Dispose();
        runningMean.Dispose();
    }
}
