using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>A PCL-FF layer: a dense FF layer with a predictor of its input whose surprise gates what it transmits (<see cref="PclLayer"/>).</summary>
public sealed record PclSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window,
    InputNorm InputNorm, Objective Objective, PclOptions Pcl)
    : LayerSpec(Index, InputSize, OutputSize, Optimizer, Window)
{
    public const string Name = "pcl";

    public override string Kind => Name;

    public override bool LabelDriven => false;

    public override Objective? FFObjective => Objective;

    public override IFFLayer Create(long seed, Device device) => new PclLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) => new PclModule(InputSize, OutputSize, InputNorm, Pcl, init, name);
}

/// <summary>
/// A PCL-FF layer (<see cref="PclOptions"/>). Seed, per batch: the gated activity h = a·gate(e) of each positive and
/// negative, goodness mean h² − α·e − λ·mean|h|, loss = FF loss + α·mean e. Corrected: the plain activity, its plain
/// goodness, the FF loss with each row weighted by its positive's surprise, + α·mean e (the predictor alone learns from
/// it); the running mean error ē follows the positives. Scoring reads the plain goodness of what the layer transmits, as
/// the seed's prediction does. Autograd and TorchSharp's step.
/// </summary>
public sealed class PclLayer(PclSpec spec, long seed, Device device) : FFLayer(spec, seed, device)
{
    public new PclSpec Spec { get; } = spec;

    public PclModule Parts => (PclModule)Module;

    public Objective Objective => Spec.Objective;

    public override Tensor? InputWeights => Parts.Encoder.Weight;

    public override Tensor Score(Tensor h) => Objective.GoodnessOf(h);

    public override Tensor Features(Tensor h) => FFDenseLayer.Readout(h, Spec.InputNorm);

    public override PendingStep Begin(StepInput input)
    {
        bool learning = Learning;
        using var frozen = learning ? null : no_grad();
        if (learning) Module.train();
        else Module.eval();
        var pos = Parts.Pass(input.Positive);
        var neg = Parts.Pass(input.Negative);
        var gPos = GoodnessOf(pos);
        var gNeg = GoodnessOf(neg);
        var reconstruction = pos.Error.mean().add(neg.Error.mean(), KeptScalars.One).div(KeptScalars.Of(2.0));
        var ff = Spec.Pcl.Formulation == PclFormulation.Seed
            ? Objective.LossOf(gPos, gNeg, input.CollabPositive, input.CollabNegative)
            : SurpriseWeightedLoss(gPos, gNeg, pos.Gate);
        var loss = ff.add(reconstruction.mul(KeptScalars.Of(Spec.Pcl.Alpha)), KeptScalars.One);
        if (learning && Spec.Pcl.Formulation == PclFormulation.Corrected)
            using (no_grad())
            {
                double m = Spec.Pcl.ErrorMomentum;
                Parts.MeanError.copy_(Parts.MeanError.mul(KeptScalars.Of(m)).add(pos.Error.detach().mean().mul(KeptScalars.Of(1 - m)), KeptScalars.One));
            }
        var sPos = Objective.GoodnessOf(pos.Output.detach());
        var sNeg = Objective.GoodnessOf(neg.Output.detach());
        var stats = StatsOf(loss.detach(), sPos.mean(), sNeg.mean(), Objective.Separation(sPos, sNeg), DeadUnits(pos.Output));
        return new PendingStep(new LayerOutput(pos.Output.detach(), neg.Output.detach()), stats, learning ? loss : null);
    }

    /// <summary>The goodness the FF loss reads: the seed's goodness of the gated activity − α·e − λ·mean|h|; corrected, the
    /// plain goodness of the activity.</summary>
    public Tensor GoodnessOf(PclPass pass)
    {
        var o = Spec.Pcl;
        if (o.Formulation == PclFormulation.Corrected) return Objective.GoodnessOf(pass.Output);
        return Objective.GoodnessOf(pass.Output).sub(pass.Output.abs().mean([1]).mul(KeptScalars.Of(o.Sparsity)))
            .sub(pass.Error.mul(KeptScalars.Of(o.Alpha)));
    }

    /// <summary>
    /// The corrected FF loss: each batch row's positive and negative terms weighted by the positive's surprise w (detached,
    /// about 1 for a typical sample), Σ w·ℓ / Σ w over the 2B terms, with ℓ the softplus (or logistic) term of each logit.
    /// </summary>
    public Tensor SurpriseWeightedLoss(Tensor gPos, Tensor gNeg, Tensor weight)
    {
        if (Objective.Loss == LossKind.SymBa || gPos.shape[0] != gNeg.shape[0])
            throw new ArgumentException($"layer {Spec.Index}: the corrected pcl formulation weighs each positive and its negative by the positive's surprise; it needs the softplus or logistic loss and one negative per positive");
        var theta = KeptScalars.Of(Objective.Threshold);
        var terms = cat([nn.functional.softplus(gPos.sub(theta).neg()), nn.functional.softplus(gNeg.sub(theta))]);
        var w = cat([weight, weight]);
        return terms.mul(w).sum().div(w.sum().clamp_min(KeptScalars.Of(1e-12)));
    }

    public override void Finish(PendingStep step)
    {
        if (step.Loss is not { } loss) return;
        Optimizer.zero_grad();
        loss.backward();
        Optimizer.step();
    }
}

/// <summary>PCL-FF networks: the dense layers of <c>model.layers</c> with the model's objective, each with an input predictor.</summary>
public sealed record PclKind(PclOptions Options) : ILayerKind
{
    public string Name => PclSpec.Name;

    public bool LabelDriven => false;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        Options.Check();
        var dense = DenseKind.LayersToWrap(model, context, Name);
        if (model.PeerNorm > 0) throw new ArgumentException("model.peer-norm: the pcl kind has no peer normalisation; set 0");
        return dense.Select(d => new PclSpec(d.Index, d.InputSize, d.OutputSize, d.Optimizer, d.Window, d.InputNorm, d.Objective, Options)).ToArray();
    }

    public string Describe(ModelOptions model) => $"pcl ({Options.Describe()}) layers [{string.Join(", ", model.Layers)}]";

    public string Fingerprint(ModelOptions model) =>
        $";pcl={Options.Formulation},{Options.Alpha:R},{Options.Sparsity:R},{Options.SurpriseScale:R},{Options.Sharpness:R},{Options.ErrorMomentum:R}";

    /// <summary>The encoder's and the predictor's weights.</summary>
    public double[] LayerWork(ModelOptions model) => DenseKind.DenseWork(model).Select(w => 2 * w).ToArray();
}
