namespace FFActors.Core.Layers;

/// <summary>
/// The generative circuit of Predictive Forward-Forward (Ororbia &amp; Mali 2023): each layer's generator predicts the layer's
/// input from its activities, and the top layer's latent generator predicts its activities from a latent vector z that is
/// inferred per batch by iterative descent on that prediction's error.
/// </summary>
/// <param name="Latent">Width of the top latent z (the reference's 20).</param>
/// <param name="InferenceSteps">Steps of the iterative inference of z for each batch (the reference's K = 12).</param>
/// <param name="InferenceRate">β ∈ (0, 1]: each step moves z by β times the Gauss-Newton step of the linear part.</param>
/// <param name="LatentDecay">λ: the Gaussian prior's weight in the inference energy ½‖ẑ − n(h)‖² + ½λ‖z‖².</param>
public sealed record PffOptions(int Latent = 20, int InferenceSteps = 12, double InferenceRate = 0.5, double LatentDecay = 0.01)
{
    public string Describe() => $"latent {Latent}, {InferenceSteps} inference steps";

    public void Check()
    {
        if (Latent < 1 || InferenceSteps < 1 || !(InferenceRate is > 0 and <= 1) || !(LatentDecay > 0))
            throw new ArgumentException($"model.pff: latent {Latent} (>= 1), inference-steps {InferenceSteps} (>= 1), inference-rate {InferenceRate} ((0, 1]), latent-decay {LatentDecay} (> 0)");
    }
}
