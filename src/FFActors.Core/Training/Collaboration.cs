using FFActors.Core.Layers;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// Layer-collaboration arithmetic shared by the sequential trainer and the actor runtime, so both
/// compute γ with exactly the same operations in the same order (the runtime's bitwise-equivalence
/// tests depend on it).
/// </summary>
public static class Collaboration
{
    /// <summary>True when <paramref name="other"/>'s goodness is part of <paramref name="layer"/>'s γ.</summary>
    public static bool Contributes(CollaborationMode mode, int layer, int other) => other != layer && mode switch
    {
        CollaborationMode.All => true,
        CollaborationMode.Previous => other < layer,
        CollaborationMode.Next => other > layer,
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>
    /// s·γ for every layer: row ℓ of the result [L, B] is s · Σ_{k contributes to ℓ} goodness[k],
    /// summed in ascending k. <paramref name="goodness"/> holds one detached per-sample goodness
    /// vector [B] per layer. The result belongs to the caller's dispose scope.
    /// </summary>
    public static Tensor ScaledGammas(IReadOnlyList<Tensor> goodness, CollaborationOptions options)
    {
        int layers = goodness.Count;
        using var scope = NewDisposeScope();
        var rows = new Tensor[layers];
        for (int l = 0; l < layers; l++)
        {
            var sum = zeros_like(goodness[0]);
            for (int k = 0; k < layers; k++)
                if (Contributes(options.Mode, l, k)) sum = sum.add(goodness[k], KeptScalars.One);
            rows[l] = sum.mul(KeptScalars.Of(options.Scale));
        }
        return stack(rows).MoveToOuterDisposeScope();
    }
}
