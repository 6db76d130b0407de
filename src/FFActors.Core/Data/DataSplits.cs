namespace FFActors.Core.Data;

/// <summary>Train, optional validation and test splits of one dataset, on one device.</summary>
public sealed class DataSplits(DatasetInfo info, Dataset train, Dataset? validation, Dataset test) : IDisposable
{
    public DatasetInfo Info { get; } = info;
    public Dataset Train { get; } = train;
    public Dataset? Validation { get; } = validation;
    public Dataset Test { get; } = test;

    public void Dispose()
    {
        Train.Dispose();
        Validation?.Dispose();
        Test.Dispose();
    }
}
