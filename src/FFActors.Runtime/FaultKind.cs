namespace FFActors.Runtime;

public enum FaultKind
{
    /// <summary>The layer throws while handling the batch.</summary>
    Throw,
    /// <summary>The layer's input becomes NaN, so its loss, goodness and weights do.</summary>
    NaN,
}
