namespace FFActors.Core.Layers;

/// <summary>
/// Predictive-coding-light FF (the seed study's §5.3 and §7.5): each dense FF layer also has a predictor that reconstructs
/// the layer's (normalised) input from its activity, and how surprising the input was (the prediction's error) decides
/// what the layer does with a sample: in the seed's formulation it scales the activity passed on (predictable inputs
/// suppressed), in the corrected one it weighs the sample's learning.
/// </summary>
/// <param name="Formulation">The seed's (whose surprise vanishes under L2 input normalisation) or the corrected one.</param>
/// <param name="Alpha">α: weight of the reconstruction loss (and, in the seed's goodness, of its reconstruction bonus); the seed's 0.5.</param>
/// <param name="Sparsity">Seed: the goodness loses λ·mean|h| (the seed's 0.1).</param>
/// <param name="SurpriseScale">Seed: how much of the activity the surprise can suppress, h·(1 − scale·(1 − surprise)) (the seed's 1).</param>
/// <param name="Sharpness">Corrected: κ of the surprise weight 2σ(κ(e/ē − 1)).</param>
/// <param name="ErrorMomentum">Corrected: momentum of the running mean error ē the surprise is centred on.</param>
public sealed record PclOptions(PclFormulation Formulation = PclFormulation.Corrected, double Alpha = 0.5, double Sparsity = 0.1,
    double SurpriseScale = 1.0, double Sharpness = 1.0, double ErrorMomentum = 0.99)
{
    public string Describe() => $"{Formulation}, α {Alpha:G4}, λ {Sparsity:G4}";

    public void Check()
    {
        if (!(Alpha >= 0) || !(Sparsity >= 0) || !(SurpriseScale is >= 0 and <= 1) || !(Sharpness > 0) || !(ErrorMomentum is >= 0 and < 1))
            throw new ArgumentException($"model.pcl: α {Alpha}, sparsity {Sparsity}, surprise-scale {SurpriseScale} (0..1), sharpness {Sharpness} (> 0), error-momentum {ErrorMomentum} ([0, 1))");
    }
}

/// <summary>How a PCL-FF layer measures surprise and what its goodness is.</summary>
public enum PclFormulation
{
    /// <summary>
    /// The seed's: e = mean_j (x̃_j − x̂_j)², surprise = σ(10e − 5), h = ReLU(W x̂ + b)·(1 − scale·(1 − surprise)), goodness =
    /// mean-or-sum h² − α·e − λ·mean|h|, loss = FF loss + α·mean e. With x̂ = x/‖x‖ every x̂_j is about 1/√784, so e is about
    /// 1/784 however bad the prediction, the surprise is σ(−5) ≈ 0.007 for every sample, and the activity and its goodness
    /// are shrunk ~150-fold and ~20 000-fold: positives cannot reach θ.
    /// </summary>
    Seed,

    /// <summary>
    /// Scale-free: e = ‖x̂ − x̃‖² / ‖x̂‖² (the fraction of the input the prediction misses, whatever the input norm and
    /// width), from a predictor that reads the activity's direction, detached (reconstruction trains the predictor, the FF
    /// loss the encoder). The surprise w = 2σ(κ(e/ē − 1)), centred on the layer's running mean error ē (1 for a typical
    /// sample, up to 2 for a surprising one, towards 0 for a predictable one), weighs the sample's FF loss; the activity is
    /// passed on and scored as it is (a per-sample factor on it would be divided out by the next layer's input
    /// normalisation and would only blur the layer's own goodness). No L1 term: with mean goodness its gradient λ/H beats
    /// the square's 2h/H for every unit below λ/2, where fresh units sit under L2 input normalisation.
    /// </summary>
    Corrected,
}
