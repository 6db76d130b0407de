namespace FFActors.Core.Objectives;

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
}
