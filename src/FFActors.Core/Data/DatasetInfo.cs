namespace FFActors.Core.Data;

/// <summary>A dataset known to FFActors: where its IDX files live, its pixel statistics and its image size.</summary>
/// <param name="Side">Rows = columns of its images: files of another size under its name are someone else's data,
/// and its statistics would normalise them wrongly.</param>
public sealed record DatasetInfo(string Name, string Folder, double Mean, double Std, int Classes = 10, int Side = 28)
{
    public static readonly DatasetInfo Mnist = new("mnist", "mnist", 0.1307, 0.3081);
    public static readonly DatasetInfo FashionMnist = new("fashion-mnist", "fashion-mnist", 0.2860, 0.3530);

    public static IReadOnlyList<DatasetInfo> All { get; } = [Mnist, FashionMnist];

    public static DatasetInfo? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
