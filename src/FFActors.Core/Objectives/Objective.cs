using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Objectives;

/// <summary>
/// The per-layer FF objective: goodness g of an activity vector, the logit g + s·γ − θ of
/// "this is positive data" (γ is the collaboration term, zero when unused), and the loss.
/// </summary>
/// <param name="Alpha">α of the SymBa loss (the paper's 4); unused by the other losses.</param>
/// <param name="Remedy">How the loss uses γ when collaboration is on (free-riding remedies, <see cref="CollaborationRemedy"/>).</param>
/// <param name="CumulativeDivisor">D in (g + s·γ)/D − θ: 1 + s·n for the depth-scaled remedy, 1 otherwise.</param>
public sealed record Objective(GoodnessKind Goodness, double Threshold, LossKind Loss, double Alpha = 4.0,
    CollaborationRemedy Remedy = CollaborationRemedy.None, double CumulativeDivisor = 1.0)
{
    /// <summary>Fraction of samples on the right side of θ: positives above it, negatives at or below it.</summary>
    public Tensor Separation(Tensor gPos, Tensor gNeg) =>
        cat([gPos.gt(KeptScalars.Of(Threshold)), gNeg.le(KeptScalars.Of(Threshold))]).to(ScalarType.Float32).mean();

    public Tensor GoodnessOf(Tensor h) => Goodness == GoodnessKind.Sum
        ? h.Squared().sum([1])
        : h.Squared().mean([1]);

    /// <summary>s in ∂g/∂h = s·h for activities of <paramref name="width"/> units: 2 for the sum of squares, 2/width for the mean.</summary>
    public double GoodnessSlope(long width) => Goodness == GoodnessKind.Sum ? 2.0 : 2.0 / width;

    /// <param name="gPos">Goodness of positives [B].</param>
    /// <param name="gNeg">Goodness of negatives [B'].</param>
    /// <param name="collabPos">s·γ for each positive (already scaled, detached), or null.</param>
    /// <param name="collabNeg">s·γ for each negative, or null.</param>
    public Tensor LossOf(Tensor gPos, Tensor gNeg, Tensor? collabPos = null, Tensor? collabNeg = null)
    {
        bool collaborating = collabPos is not null || collabNeg is not null;
        if (collaborating && Remedy == CollaborationRemedy.PerBlock) return LossOf(gPos, gNeg);
        if (collaborating && Remedy == CollaborationRemedy.HardnessGated) return GatedLoss(gPos, gNeg, collabPos, collabNeg);
        var logitPos = Cumulative(gPos, collabPos);
        var logitNeg = Cumulative(gNeg, collabNeg);
        return Loss switch
        {
            LossKind.Softplus => nn.functional.softplus(cat([-logitPos, logitNeg])).mean(),
            LossKind.Logistic => nn.functional.softplus(-logitPos).mean().add(nn.functional.softplus(logitNeg).mean(), KeptScalars.One),
            LossKind.SymBa => SymBa(logitPos, logitNeg),
            _ => throw new ArgumentOutOfRangeException(nameof(Loss)),
        };
    }

    /// <summary>The cumulative logit (g + s·γ)/D − θ (D = 1 unless depth-scaled; γ absent = 0).</summary>
    public Tensor Cumulative(Tensor g, Tensor? collab)
    {
        var sum = collab is null ? g : g.add(collab, KeptScalars.One);
        if (collab is not null && CumulativeDivisor != 1.0) sum = sum.div(KeptScalars.Of(CumulativeDivisor));
        return sum.sub(KeptScalars.Of(Threshold));
    }

    /// <summary>
    /// Hardness weights from the cumulative logits (detached, in [0, 1]): 1 − σ(z⁺) per positive, σ(z⁻) per
    /// negative; for SymBa one weight per pair, 1 − σ(α(z⁺ − z⁻)).
    /// </summary>
    public (Tensor Positive, Tensor Negative) HardnessWeights(Tensor gPos, Tensor gNeg, Tensor? collabPos, Tensor? collabNeg)
    {
        using var _ = no_grad();
        var zPos = Cumulative(gPos.detach(), collabPos);
        var zNeg = Cumulative(gNeg.detach(), collabNeg);
        if (Loss == LossKind.SymBa)
        {
            CheckPairs(zPos, zNeg);
            var pair = sigmoid(zPos.sub(zNeg).mul(KeptScalars.Of(-Alpha)));
            return (pair, pair);
        }
        return (sigmoid(-zPos), sigmoid(zNeg));
    }

    Tensor GatedLoss(Tensor gPos, Tensor gNeg, Tensor? collabPos, Tensor? collabNeg)
    {
        var (wPos, wNeg) = HardnessWeights(gPos, gNeg, collabPos, collabNeg);
        var ownPos = gPos.sub(KeptScalars.Of(Threshold));
        var ownNeg = gNeg.sub(KeptScalars.Of(Threshold));
        return Loss switch
        {
            LossKind.Softplus => WeightedMean(nn.functional.softplus(cat([-ownPos, ownNeg])), cat([wPos, wNeg])),
            LossKind.Logistic => WeightedMean(nn.functional.softplus(-ownPos), wPos).add(WeightedMean(nn.functional.softplus(ownNeg), wNeg), KeptScalars.One),
            LossKind.SymBa => WeightedMean(nn.functional.softplus(ownPos.sub(ownNeg).mul(KeptScalars.Of(-Alpha))), wPos),
            _ => throw new ArgumentOutOfRangeException(nameof(Loss)),
        };
    }

    static Tensor WeightedMean(Tensor losses, Tensor weights) =>
        losses.mul(weights).sum().div(weights.sum().clamp_min(KeptScalars.Of(1e-12)));

    Tensor SymBa(Tensor logitPos, Tensor logitNeg)
    {
        CheckPairs(logitPos, logitNeg);
        return nn.functional.softplus(logitPos.sub(logitNeg).mul(KeptScalars.Of(-Alpha))).mean();
    }

    static void CheckPairs(Tensor logitPos, Tensor logitNeg)
    {
        if (logitPos.shape[0] != logitNeg.shape[0])
            throw new ArgumentException($"model.loss = symba pairs each positive with one negative: got {logitPos.shape[0]} positives and {logitNeg.shape[0]} negatives");
    }
}

/// <summary>Goodness of an activity vector h: Σ h² (Hinton) or mean h² (mpezeshki).</summary>
public enum GoodnessKind { Sum, Mean }

public enum LossKind
{
    /// <summary>mean(softplus(cat[θ − g⁺, g⁻ − θ])) over the 2B logits: the mpezeshki form.</summary>
    Softplus,
    /// <summary>
    /// Hinton's logistic: −log σ(g⁺ − θ) averaged over positives plus −log(1 − σ(g⁻ − θ)) averaged
    /// over negatives. Each sample pair contributes both terms, so the value is twice the softplus
    /// form for equal batch sizes (which matters for SGD, not for Adam).
    /// </summary>
    Logistic,
    /// <summary>
    /// SymBa (Lee &amp; Song 2023): mean softplus(−α·(g⁺ − g⁻)) over the pairs (positive i, negative i).
    /// θ cancels: the loss only asks each positive to beat its own negative, so the pull on positives
    /// and the push on negatives stay balanced (the softplus form can satisfy one side early and stall).
    /// </summary>
    SymBa,
}
