using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>A Predictive Forward-Forward layer: a dense FF layer with a generator of its input, and on the top layer a
/// latent generator of its activities (<see cref="PffLayer"/>).</summary>
/// <param name="Top">The network's last layer: it owns the latent generator.</param>
public sealed record PffSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window,
    InputNorm InputNorm, Objective Objective, PffOptions Pff, bool Top)
    : LayerSpec(Index, InputSize, OutputSize, Optimizer, Window)
{
    public const string Name = "pff";

    public override string Kind => Name;

    public override bool LabelDriven => false;

    public override Objective? FFObjective => Objective;

    public override IFFLayer Create(long seed, Device device) => new PffLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) =>
        new PffModule(InputSize, OutputSize, InputNorm, Pff, bottom: Index == 0, Top, init, name);
}

/// <summary>
/// A PFF layer, all of whose learning is local to it. Per batch, from the weights before the update: the representation's
/// FF loss on positives and negatives (the model's objective), plus the generator's prediction error on the positives,
/// mean over rows of ‖PredictInput(h⁺) − target(x⁺)‖², with h⁺ detached (the generator learns from it, the representation
/// does not); the top layer adds its latent generator's error ‖ReLU(G z* + c) − n(h⁺)‖² at the inferred z*. One loss,
/// one optimizer: the parts share no parameter, so with Adam each learns as if alone. Autograd and TorchSharp's step.
/// </summary>
public sealed class PffLayer(PffSpec spec, long seed, Device device) : FFLayer(spec, seed, device), IGenerativeLayer
{
    public new PffSpec Spec { get; } = spec;

    public PffModule Parts => (PffModule)Module;

    public Objective Objective => Spec.Objective;

    public override Tensor? InputWeights => Parts.Encoder.Weight;

    public override Tensor Score(Tensor h) => Objective.GoodnessOf(h);

    public override Tensor Features(Tensor h) => FFDenseLayer.Readout(h, Spec.InputNorm);

    public int LatentSize => Parts.Latent is null ? 0 : Spec.Pff.Latent;

    public override PendingStep Begin(StepInput input)
    {
        bool learning = Learning;
        using var frozen = learning ? null : no_grad();
        if (learning) Module.train();
        else Module.eval();
        var hPos = Parts.Encoder.forward(input.Positive);
        var hNeg = Parts.Encoder.forward(input.Negative);
        var gPos = Objective.GoodnessOf(hPos);
        var gNeg = Objective.GoodnessOf(hNeg);
        var ff = Objective.LossOf(gPos, gNeg, input.CollabPositive, input.CollabNegative);
        var (generative, latent) = GenerativeLosses(input.Positive, hPos.detach());
        var loss = ff.add(generative, KeptScalars.One);
        if (latent is not null) loss = loss.add(latent, KeptScalars.One);
        var stats = StatsOf(loss.detach(), gPos.detach().mean(), gNeg.detach().mean(), Objective.Separation(gPos.detach(), gNeg.detach()), DeadUnits(hPos));
        return new PendingStep(new LayerOutput(hPos.detach(), hNeg.detach()), stats, learning ? loss : null);
    }

    /// <summary>The generator's squared prediction error of the input <paramref name="x"/> from the activities
    /// <paramref name="h"/>, and the top layer's latent generator's error at the inferred latents (null below the top); each
    /// summed over units, averaged over rows (the reference's local losses).</summary>
    public (Tensor Generative, Tensor? Latent) GenerativeLosses(Tensor x, Tensor h)
    {
        var generative = Parts.PredictInput(h).sub(Parts.InputTarget(x)).Squared().sum([1]).mean();
        if (Parts.Latent is null) return (generative, null);
        var z = Parts.InferLatent(h);
        var latent = Parts.PredictFromLatent(z).sub(PffModule.Direction(h)).Squared().sum([1]).mean();
        return (generative, latent);
    }

    public override void Finish(PendingStep step)
    {
        if (step.Loss is not { } loss) return;
        Optimizer.zero_grad();
        loss.backward();
        Optimizer.step();
    }

    public Tensor PredictInput(Tensor h)
    {
        using var _ = no_grad();
        Module.eval();
        return Parts.PredictInput(h);
    }

    public Tensor InferLatent(Tensor h) => Parts.InferLatent(h);

    public Tensor PredictFromLatent(Tensor z)
    {
        using var _ = no_grad();
        Module.eval();
        return Parts.PredictFromLatent(z);
    }
}

/// <summary>PFF networks: the dense layers of <c>model.layers</c> with the model's objective, each with a generator of its
/// input, the top one with the latent generator.</summary>
public sealed record PffKind(PffOptions Options) : ILayerKind
{
    public string Name => PffSpec.Name;

    public bool LabelDriven => false;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        Options.Check();
        var dense = DenseKind.LayersToWrap(model, context, Name);
        if (model.PeerNorm > 0) throw new ArgumentException("model.peer-norm: the pff kind has no peer normalisation; set 0");
        return dense.Select(d => new PffSpec(d.Index, d.InputSize, d.OutputSize, d.Optimizer, d.Window, d.InputNorm, d.Objective, Options,
            Top: d.Index == dense.Length - 1)).ToArray();
    }

    public string Describe(ModelOptions model) => $"pff ({Options.Describe()}) layers [{string.Join(", ", model.Layers)}]";

    public string Fingerprint(ModelOptions model) =>
        $";pff={Options.Latent},{Options.InferenceSteps},{Options.InferenceRate:R},{Options.LatentDecay:R}";

    /// <summary>The encoder's and the generator's weights (the top's latent generator is small beside them).</summary>
    public double[] LayerWork(ModelOptions model) => DenseKind.DenseWork(model).Select(w => 2 * w).ToArray();
}
