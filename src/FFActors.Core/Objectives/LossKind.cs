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
    /// <summary>
    /// SymBa (Lee &amp; Song 2023): mean softplus(−α·(g⁺ − g⁻)) over the pairs (positive i, negative i).
    /// θ cancels: the loss only asks each positive to beat its own negative, so the pull on positives
    /// and the push on negatives stay balanced (the softplus form can satisfy one side early and stall).
    /// </summary>
    SymBa,
}
