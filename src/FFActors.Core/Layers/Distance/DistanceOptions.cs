namespace FFActors.Core.Layers;

/// <summary>
/// Distance-Forward (Wu et al., arXiv 2408.14925): every dense layer has one learnable centre per class;
/// the layer's goodness for class c is −Scale · mean_j (h_j − c_cj)² (a negative squared distance), trained
/// with an N-pair margin loss of the true class against every other class. Training and inference are
/// single-pass (plain images, no label overlay, no negatives); the prediction is the nearest centre.
/// </summary>
/// <param name="Margin">m: the true class's goodness must exceed every other class's by m before the loss lets go.</param>
/// <param name="Scale">Multiplies the mean squared distance (the logit scale of the N-pair loss). A fresh layer's
/// activities are about 0.01 (unit-norm input), so mean squared distances start near 1e-4: 1000 makes the logits O(0.1).</param>
public sealed record DistanceOptions(int Classes = 10, double Margin = 1.0, double Scale = 1000.0);
