namespace FFActors.Benchmarks;

/// <summary>
/// Every benchmark reports medians: on a shared machine one timing can land in another tenant's burst, and the median
/// of several resists it where a mean would not.
/// </summary>
public static class Median
{
    /// <summary>The median of <paramref name="values"/>; for an even count the mean of the two middle ones.</summary>
    public static double Of(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        if (s.Length == 0) throw new ArgumentException("no measurements", nameof(values));
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>The item at the median of <paramref name="key"/> (the lower middle one for an even count): always a measured one.</summary>
    public static T Lower<T>(IReadOnlyList<T> items, Func<T, double> key) =>
        items.Count == 0 ? throw new ArgumentException("no measurements", nameof(items)) : items.OrderBy(key).ElementAt((items.Count - 1) / 2);
}
