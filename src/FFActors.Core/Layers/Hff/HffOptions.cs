namespace FFActors.Core.Layers;

/// <summary>
/// Hyperspherical FF: every dense layer has one learnable prototype per class; the layer's score for
/// class c is Scale · cos(h, p_c), trained with cross-entropy against the label. Training and
/// inference are single-pass (plain images, no label overlay, no negatives).
/// </summary>
/// <param name="Scale">Inverse temperature of the cosine scores (logit scale).</param>
public sealed record HffOptions(int Classes = 10, double Scale = 10.0);
