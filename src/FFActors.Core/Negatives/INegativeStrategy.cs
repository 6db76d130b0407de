using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// A way of making negative data: takes a batch and returns the negatives [B', F] that the layers
/// must give low goodness. Strategies draw randomness only from the generator they are given, so a
/// run is repeatable from its seed.
/// </summary>
public interface INegativeStrategy
{
    /// <summary>Name used in configuration (<c>train.negatives</c>).</summary>
    string Name { get; }

    Tensor Generate(NegativeBatch batch, Generator generator);
}
