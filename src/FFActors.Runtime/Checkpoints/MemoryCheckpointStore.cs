using System.Collections.Concurrent;

namespace FFActors.Runtime.Checkpoints;

/// <summary>Checkpoints kept in memory: what fault recovery uses when the run has no folder.</summary>
public sealed class MemoryCheckpointStore : CheckpointStore
{
    readonly ConcurrentDictionary<(string Id, string Name), byte[]> blobs = new();
    volatile string? latest;

    public override void Write(string id, string name, byte[] data) => blobs[(id, name)] = data;

    public override byte[] Read(string id, string name) =>
        blobs.TryGetValue((id, name), out var data) ? data : throw new KeyNotFoundException($"checkpoint {id}: no {name}");

    public override void Commit(string id)
    {
        var previous = latest;
        latest = id;
        foreach (var key in blobs.Keys)
            if (key.Id != id && key.Id != previous) blobs.TryRemove(key, out _);
    }

    public override string? Latest() => latest;

    public override string Describe(string id) => $"memory:{id}";
}
