namespace FFActors.Runtime.Serialization;

/// <summary>Element type of activations on the wire (goodness, γ and checkpoints always travel as they are).</summary>
public enum WirePrecision
{
    /// <summary>Exact: the math does not change across machines.</summary>
    Float32,
    /// <summary>IEEE half: half the bytes, ~3 significant digits, range ±65504.</summary>
    Float16,
    /// <summary>bfloat16: half the bytes, float32's range, ~2 significant digits.</summary>
    BFloat16,
}
