namespace FFActors.Core.Training;

/// <summary>How γ is obtained for a batch.</summary>
public enum GammaExchange
{
    /// <summary>A no-grad probe pass of the batch through all layers first (as the seed does).</summary>
    Exact,
    /// <summary>The other layers' goodness for the same sample the last time it was seen (no extra pass).</summary>
    Stale,
}
