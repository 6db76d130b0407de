using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// Prospective configuration (Song et al., Nature Neuroscience 2024): first infer the activity the layer should have
/// after learning, then change the weights so that the layer produces it. Without a top-down path between layers, the
/// feedback a layer infers from is the label: the positive/negative judgement of its FF objective and the label
/// context c pushed through a fixed projection F (<see cref="ProspectiveModule"/>). h is the layer's activity
/// ReLU(W·norm(x) + b); σ = +1 for positives, −1 for negatives.
/// <para><b>seed</b> (the seed study's §7.4, a one-shot target, weights by the FF loss):</para>
/// <code>
/// h* = ReLU(h + σ·β·F·c)                       detached
/// L  = L_FF(g(h⁺), g(h⁻)) + κ·(mean (h*⁺ − h⁺)² + mean (h*⁻ − h⁻)²)
/// </code>
/// <para><b>paper</b> (inference by relaxation of an energy, then consolidation toward the relaxed activity):</para>
/// <code>
/// E(x) = k·(½‖x − h‖² − σ·β·⟨F·c, x⟩) + λ·ℓ(g(x))     ℓ the sample's FF loss (softplus of θ − g or g − θ), k below
/// x₀ = h;  x ← ReLU(x − η·∇E(x)/k)  for T steps     = x − η·((x − h) − σ·β·F·c + 2λ·ℓ'(z)·x)
/// L  = (1/λ)·mean over the 2B samples of ½·D(x − h)  x detached: the weights move h toward the relaxed activity
/// </code>
/// D is the goodness functional (sum or mean of squares) and k = D(v)/‖v‖² (1 or 1/width): dividing the gradient by k
/// makes η and λ mean the same for either goodness. ℓ'(z) is the hardness weight of the model's objective: −(1 − σ(z))
/// for a positive, σ(z) for a negative (one pair weight under SymBa), z = g + s·γ − θ with collaboration. Without
/// feedback (β = 0) the relaxed activity is h scaled per sample (up for positives below θ, down for negatives above it),
/// so consolidating it moves the weights along the FF gradient, weighted by how far the inference moved each sample.
/// </summary>
public sealed class ProspectiveLayer(ProspectiveSpec spec, long seed, Device device)
    : ContextLayer(spec, seed, device, spec.Objective, spec.InputNorm, spec.PeerNorm, spec.Prospective.Classes)
{
    public new ProspectiveSpec Spec { get; } = spec;

    ProspectiveOptions Options => Spec.Prospective;

    ProspectiveModule Prospective => (ProspectiveModule)Module;

    public override Tensor? InputWeights => Prospective.Weight;

    protected override Tensor StepLoss(StepInput input, ContextForward positive, ContextForward negative) => Options.Formulation switch
    {
        ProspectiveFormulation.Seed => SeedLoss(input, positive, negative),
        ProspectiveFormulation.Paper => Consolidation(positive, negative, Relax(input, positive, negative)),
        _ => throw new ArgumentOutOfRangeException(nameof(Options.Formulation)),
    };

    /// <summary>β·F·c for each sample [B, units]: the push its label context gives the units.</summary>
    Tensor Push(Tensor context) => context.matmul(Prospective.Feedback.t()).mul(KeptScalars.Of(Options.Beta));

    Tensor SeedLoss(StepInput input, ContextForward positive, ContextForward negative)
    {
        Tensor targetPos, targetNeg;
        using (no_grad())
        {
            targetPos = nn.functional.relu(positive.Units.detach().add(Push(positive.Context.detach()), KeptScalars.One));
            targetNeg = nn.functional.relu(negative.Units.detach() - Push(negative.Context.detach()));
        }
        var ff = Objective.LossOf(positive.Goodness, negative.Goodness, input.CollabPositive, input.CollabNegative);
        var mse = (targetPos - positive.Units).Squared().mean().add((targetNeg - negative.Units).Squared().mean(), KeptScalars.One);
        return ff.add(mse.mul(KeptScalars.Of(Options.Consolidation)), KeptScalars.One);
    }

    /// <summary>The inference phase of the paper formulation: the relaxed activities of the positives and the negatives.</summary>
    (Tensor Positive, Tensor Negative) Relax(StepInput input, ContextForward positive, ContextForward negative)
    {
        using var _ = no_grad();
        var hPos = positive.Units.detach();
        var hNeg = negative.Units.detach();
        var pushPos = Push(positive.Context.detach());
        var pushNeg = Push(negative.Context.detach());
        var rate = KeptScalars.Of(Options.Rate);
        var twoLambda = KeptScalars.Of(2 * Options.Energy);
        Tensor xPos = hPos, xNeg = hNeg;
        for (int t = 0; t < Options.Steps; t++)
        {
            var (wPos, wNeg) = Objective.HardnessWeights(Objective.GoodnessOf(xPos), Objective.GoodnessOf(xNeg), input.CollabPositive, input.CollabNegative);
            // ℓ'(z)·x: a positive below θ is pulled up (ℓ' = −w), a negative above θ pushed down (ℓ' = +w).
            var gradPos = (xPos - hPos) - pushPos - xPos.mul(wPos.unsqueeze(1)).mul(twoLambda);
            var gradNeg = (xNeg - hNeg).add(pushNeg, KeptScalars.One).add(xNeg.mul(wNeg.unsqueeze(1)).mul(twoLambda), KeptScalars.One);
            xPos = nn.functional.relu(xPos - gradPos.mul(rate));
            xNeg = nn.functional.relu(xNeg - gradNeg.mul(rate));
        }
        return (xPos, xNeg);
    }

    /// <summary>
    /// The consolidation phase: (1/λ) · the mean over all 2B samples of ½·D(x − h), D the goodness functional (sum or
    /// mean of squares), with the relaxed activities x fixed, so the weights move h toward them. At the relaxation's
    /// fixed point its gradient in h equals the FF loss's gradient at x (with β = 0), so it has the FF loss's scale.
    /// </summary>
    Tensor Consolidation(ContextForward positive, ContextForward negative, (Tensor Positive, Tensor Negative) relaxed)
    {
        var deviation = cat([Objective.GoodnessOf(relaxed.Positive - positive.Units), Objective.GoodnessOf(relaxed.Negative - negative.Units)]);
        return deviation.mean().mul(KeptScalars.Of(0.5 / Options.Energy));
    }
}
