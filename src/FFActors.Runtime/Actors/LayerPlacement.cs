using Akka.Actor;

namespace FFActors.Runtime.Actors;

/// <summary>
/// Which host gets which layer, over the live hosts ordered by node name (so every run with the same
/// hosts places the same way): contiguous runs of layers balanced by their work (only the cuts between
/// hosts cross the network), round-robin, or an explicit node name per layer. A lost host is removed;
/// the plan is then made again over the hosts left (an explicit name that is gone falls back to round-robin).
/// </summary>
public sealed class LayerPlacement
{
    readonly List<LayerHostRef> hosts;
    readonly IReadOnlyList<string>? layerNodes;
    readonly IReadOnlyList<double>? contiguousWork;

    /// <param name="layerNodes">Explicit placement: the node name of each layer's host.</param>
    /// <param name="contiguousWork">Contiguous placement: each layer's work (<see cref="FFActors.Core.Layers.ModelOptions.LayerWork"/>); neither = round-robin.</param>
    public LayerPlacement(IEnumerable<LayerHostRef> hosts, IReadOnlyList<string>? layerNodes = null, IReadOnlyList<double>? contiguousWork = null)
    {
        this.contiguousWork = contiguousWork is { Count: > 0 } ? contiguousWork : null;
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
        return hosts[Plan(Math.Max(layer + 1, contiguousWork?.Count ?? 0), hosts.Count, contiguousWork)[layer]];
    }

    /// <summary>
    /// The host index (hosts ordered by node name) of each of <paramref name="layers"/> layers: contiguous runs
    /// balanced by <paramref name="contiguousWork"/> when it has one entry per layer, round-robin otherwise.
    /// </summary>
    public static int[] Plan(int layers, int hosts, IReadOnlyList<double>? contiguousWork) =>
        contiguousWork is { Count: > 0 } && contiguousWork.Count == layers
            ? LanePlan.Assign(contiguousWork, hosts)
            : Enumerable.Range(0, layers).Select(l => l % hosts).ToArray();

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
