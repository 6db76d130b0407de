using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Objectives;

/// <summary>
/// The per-layer FF objective: goodness g of an activity vector, the logit g + s·γ − θ of
/// "this is positive data" (γ is the collaboration term, zero when unused), and the loss.
/// </summary>
/// <param name="Alpha">α of the SymBa loss (the paper's 4); unused by the other losses.</param>
public sealed record Objective(GoodnessKind Goodness, double Threshold, LossKind Loss, double Alpha = 4.0)
{
    public Tensor GoodnessOf(Tensor h) => Goodness == GoodnessKind.Sum
        ? h.Squared().sum([1])
        : h.Squared().mean([1]);

    /// <param name="gPos">Goodness of positives [B].</param>
    /// <param name="gNeg">Goodness of negatives [B'].</param>
    /// <param name="collabPos">s·γ for each positive (already scaled, detached), or null.</param>
    /// <param name="collabNeg">s·γ for each negative, or null.</param>
    public Tensor LossOf(Tensor gPos, Tensor gNeg, Tensor? collabPos = null, Tensor? collabNeg = null)
    {
        var logitPos = gPos.sub(KeptScalars.Of(Threshold));
        var logitNeg = gNeg.sub(KeptScalars.Of(Threshold));
        if (collabPos is not null) logitPos = logitPos + collabPos;
        if (collabNeg is not null) logitNeg = logitNeg + collabNeg;
        return Loss switch
        {
            LossKind.Softplus => nn.functional.softplus(cat([-logitPos, logitNeg])).mean(),
            LossKind.Logistic => nn.functional.softplus(-logitPos).mean() + nn.functional.softplus(logitNeg).mean(),
            LossKind.SymBa => SymBa(logitPos, logitNeg),
            _ => throw new ArgumentOutOfRangeException(nameof(Loss)),
        };
    }

    Tensor SymBa(Tensor logitPos, Tensor logitNeg)
    {
        if (logitPos.shape[0] != logitNeg.shape[0])
            throw new ArgumentException($"model.loss = symba pairs each positive with one negative: got {logitPos.shape[0]} positives and {logitNeg.shape[0]} negatives");
        return nn.functional.softplus(logitPos.sub(logitNeg).mul(KeptScalars.Of(-Alpha))).mean();
    }
}
