using Akka.Actor;

namespace FFActors.Runtime.Actors;

/// <summary>A layer host the coordinator may place layers on.</summary>
public sealed record LayerHostRef(IActorRef Host, string NodeName);

/// <summary>
/// Which host gets which layer: round-robin over the live hosts (ordered by node name, so every run
/// with the same hosts places the same way), or an explicit node name per layer. A lost host is
/// removed; its layers then go round-robin over the hosts left (an explicit map names a node that is gone).
/// </summary>
public sealed class LayerPlacement
{
    readonly List<LayerHostRef> hosts;
    readonly IReadOnlyList<string>? layerNodes;

    public LayerPlacement(IEnumerable<LayerHostRef> hosts, IReadOnlyList<string>? layerNodes = null)
    {
        this.hosts = hosts.OrderBy(h => h.NodeName, StringComparer.Ordinal).ToList();
        this.layerNodes = layerNodes is { Count: > 0 } ? layerNodes : null;
        if (this.hosts.Count == 0) throw new ArgumentException("placement: no layer host");
        if (this.layerNodes is not null)
            foreach (var name in this.layerNodes.Distinct())
                if (!this.hosts.Any(h => h.NodeName == name))
                    throw new ArgumentException($"cluster.layer-nodes: no layer host named '{name}' (hosts: {string.Join(", ", this.hosts.Select(h => h.NodeName))})");
    }

    public IReadOnlyList<LayerHostRef> Hosts => hosts;

    public LayerHostRef HostFor(int layer)
    {
        if (hosts.Count == 0) throw new InvalidOperationException("no layer host left");
        if (layerNodes is not null && layer < layerNodes.Count && hosts.FirstOrDefault(h => h.NodeName == layerNodes[layer]) is { } named)
            return named;
        return hosts[layer % hosts.Count];
    }

    /// <summary>Forgets every host at <paramref name="address"/>; returns the names of those removed.</summary>
    public IReadOnlyList<string> RemoveAt(Address address)
    {
        var gone = hosts.Where(h => h.Host.Path.Address.Equals(address)).ToList();
        foreach (var h in gone) hosts.Remove(h);
        return gone.Select(h => h.NodeName).ToArray();
    }

    public IReadOnlyList<string> Remove(IActorRef host)
    {
        var gone = hosts.Where(h => h.Host.Equals(host)).ToList();
        foreach (var h in gone) hosts.Remove(h);
        return gone.Select(h => h.NodeName).ToArray();
    }
}
