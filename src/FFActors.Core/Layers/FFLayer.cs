using FFActors.Core.Kernels;
using TorchSharp;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// What every layer kind shares: the module it owns (built by its spec from the layer's own seed stream), the optimizer
/// over all of the module's parameters, the learning-rate schedule over the layer's window, and forward without
/// learning. A kind adds its score, features and training step.
/// </summary>
public abstract class FFLayer : IFFLayer
{
    int epoch;
    Tensor state;

    protected FFLayer(LayerSpec spec, long seed, Device device)
    {
        Spec = spec;
        using (var init = spec.InitGenerator(seed)) Module = spec.CreateModule(init, $"layer{spec.Index}");
        Module.to(device);
        var o = spec.Optimizer;
        Optimizer = o.Kind switch
        {
            OptimizerKind.Adam => optim.Adam(Module.parameters(), o.LearningRate, weight_decay: o.WeightDecay),
            OptimizerKind.Sgd => optim.SGD(Module.parameters(), o.LearningRate, momentum: o.Momentum, weight_decay: o.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), $"optimizer {o.Kind}"),
        };
        // Every kind's checkpoint carries one [OutputSize] state vector (peer-normalisation means for dense layers), so
        // one checkpoint format serves all kinds.
        state = full([spec.OutputSize], KeptScalars.Of(0.5f), device: device).DetachFromDisposeScope();
    }

    public LayerSpec Spec { get; }
    public nn.Module<Tensor, Tensor> Module { get; }
    public optim.Optimizer Optimizer { get; }
    public IChunkRunner Chunks { get; set; } = InlineChunks.Instance;

    public Tensor State => state;

    public virtual Tensor? InputWeights => null;

    /// <summary>Replaces the state vector (the caller's tensor is detached from its scope and owned from now on).</summary>
    protected void SetState(Tensor updated)
    {
        state.Dispose();
        state = updated.DetachFromDisposeScope();
    }

    public void SetEpoch(int epoch, int epochs)
    {
        this.epoch = epoch;
        double lr = Spec.LearningRateAt(epoch, epochs);
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = lr;
    }

    public double LearningRate => Optimizer.ParamGroups.First().LearningRate;

    public bool Learning => Spec.Window is not { } w || w.Contains(epoch);

    public Tensor Forward(Tensor x)
    {
        using var _ = no_grad();
        Module.eval();
        return Module.forward(x);
    }

    /// <summary>A kind without top-down input has one state per batch: the bottom-up pass.</summary>
    public virtual Tensor Infer(Tensor below, Tensor? previous, Tensor? above, int iteration) => Forward(below);

    public abstract Tensor Score(Tensor h);

    public abstract Tensor Features(Tensor h);

    /// <summary>Every layer publishes its goodness of positives and negatives; a kind with more to say overrides this.</summary>
    public virtual IEnumerable<(string Kind, Tensor Values)> Publish(Tensor hPos, Tensor hNeg, IReadOnlyCollection<string> kinds) =>
        kinds.Select(kind => kind switch
        {
            SignalNames.GoodnessPositive => (kind, Score(hPos)),
            SignalNames.GoodnessNegative => (kind, Score(hNeg)),
            _ => throw new ArgumentException($"layer {Spec.Index} ({Spec.Kind}) publishes no signal '{kind}'"),
        }).ToArray();

    public abstract PendingStep Begin(StepInput input);

    public abstract void Finish(PendingStep step);

    /// <summary>The five statistics of a step, read back from the device in one transfer.</summary>
    protected static LayerStepStats StatsOf(Tensor loss, Tensor goodPos, Tensor goodNeg, Tensor separation, Tensor deadUnits)
    {
        using var s = stack([loss, goodPos, goodNeg, separation, deadUnits]).cpu();
        var v = s.data<float>().ToArray();
        return new LayerStepStats(v[0], v[1], v[2], v[3], v[4]);
    }

    /// <summary>Fraction of units (columns of h) that are zero for every sample.</summary>
    protected static Tensor DeadUnits(Tensor h) => h.detach().amax([0]).le(KeptScalars.Of(0.0)).to(ScalarType.Float32).mean();

    public void Dispose()
    {
        Optimizer.Dispose();
        Module.Dispose();
        state.Dispose();
        GC.SuppressFinalize(this);
    }
}
