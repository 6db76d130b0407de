namespace FFActors.Runtime.Cluster;

/// <summary>How layers are assigned to layer hosts.</summary>
public enum PlacementKind
{
    /// <summary>Runs of adjacent layers per host (layer 0 on the first host by node name), balanced by work: the fewest network hops.</summary>
    Contiguous,
    /// <summary>Layer ℓ on host ℓ mod H, hosts ordered by node name.</summary>
    RoundRobin,
    /// <summary>Layer ℓ on the host whose node name is <c>LayerNodes[ℓ]</c>.</summary>
    Explicit,
}
