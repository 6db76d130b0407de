using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A layer that also learns a generative model of what it reads: a prediction of its input from its own activities, and,
/// on the top layer, of its activities from a small latent vector. Chained top-down outside the actors after training
/// (<see cref="Evaluation.GenerativeCircuit"/>), these reconstruct inputs and generate new ones. A capability, asked of a
/// network's layers by what they can do, not by their kind.
/// </summary>
public interface IGenerativeLayer
{
    /// <summary>The layer's input predicted from its activities <paramref name="h"/> [B, out]: the data as the network reads
    /// it for layer 0, the direction (unit-norm activity) of the layer below for deeper layers. No autograd.</summary>
    Tensor PredictInput(Tensor h);

    /// <summary>Width of the latent vector this layer generates its activities from; 0 when it has none (all but the top).</summary>
    int LatentSize { get; }

    /// <summary>The latent vector [B, <see cref="LatentSize"/>] that best explains the activities <paramref name="h"/> (inference).</summary>
    Tensor InferLatent(Tensor h);

    /// <summary>The direction of the layer's activities [B, out] generated from latent vectors <paramref name="z"/>.</summary>
    Tensor PredictFromLatent(Tensor z);
}
