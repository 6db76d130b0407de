namespace FFActors.Runtime;

/// <summary>How the layer actors are scheduled.</summary>
public enum ExecutionMode
{
    /// <summary>One thread runs every actor (the coordinator and all layers) in turn: the baseline.</summary>
    Sequential,
    /// <summary>Each layer actor (and the coordinator) has a thread of its own; layers train concurrently.</summary>
    Pipeline,
}
