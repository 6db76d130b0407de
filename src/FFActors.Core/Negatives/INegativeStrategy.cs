using FFActors.Core.Data;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// A way of making negative data: takes a batch and returns the negatives [B', F'] that the layers
/// must give low goodness. Strategies draw randomness only from the generator they are given, so a
/// run is repeatable from its seed.
/// </summary>
public interface INegativeStrategy
{
    /// <summary>Name used in configuration (<c>train.negatives</c>).</summary>
    string Name { get; }

    /// <summary>
    /// True when the negatives carry no label (Hinton's unsupervised negatives, SCFF). The positives
    /// must then carry none either (<see cref="BuildPositives"/> gives them the neutral overlay), and
    /// the run is judged by a linear probe, never by label goodness.
    /// </summary>
    bool LabelFree => false;

    /// <summary>
    /// True when <see cref="Generate"/> needs the current network (<see cref="NegativeBatch.Model"/>):
    /// hard labels, adversarial perturbations, hard mining. Generating without it throws.
    /// </summary>
    bool NeedsModel => false;

    /// <summary>Width of the vectors the network sees for images of <paramref name="imageFeatures"/> features (SCFF doubles it).</summary>
    int InputWidth(int imageFeatures) => imageFeatures;

    /// <summary>
    /// The positives this strategy's negatives are contrasted with: the image with its true label,
    /// or with the neutral overlay when the strategy is <see cref="LabelFree"/>.
    /// </summary>
    Tensor BuildPositives(Tensor images, Tensor labels, LabelOverlay overlay) =>
        LabelFree ? overlay.Neutral(images) : overlay.Apply(images, labels);

    Tensor Generate(NegativeBatch batch, Generator generator);
}
