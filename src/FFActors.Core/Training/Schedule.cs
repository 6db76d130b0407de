namespace FFActors.Core.Training;

public enum Schedule
{
    /// <summary>Layer ℓ trains for all its epochs before layer ℓ+1 starts (mpezeshki/seed recipe).</summary>
    Greedy,
    /// <summary>Every layer is updated on every batch, each on the previous layer's output computed
    /// before that layer's own update (Hinton's recipe; what the actor pipeline runs).</summary>
    Simultaneous,
}
