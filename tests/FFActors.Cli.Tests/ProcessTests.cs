using System.Diagnostics;

namespace FFActors.Cli.Tests;

/// <summary>The real executable: bad input gives one line on stderr naming the culprit and exit code 2.</summary>
public class ProcessTests
{
    static (int Code, string Out, string Err) Ffactors(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ffactors.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result.Trim());
    }

    [Fact]
    public void Corrupted_data_file_gives_one_line_naming_the_file()
    {
        var dir = RepoPaths.TempDir();
        var mnist = Directory.CreateDirectory(Path.Combine(dir, "mnist")).FullName;
        foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Data, "mnist")))
            File.Copy(f, Path.Combine(mnist, Path.GetFileName(f)));
        var broken = Path.Combine(mnist, "t10k-labels-idx1-ubyte.gz");
        var bytes = File.ReadAllBytes(broken);
        File.WriteAllBytes(broken, bytes[..(bytes.Length / 2)]); // truncated gzip stream

        var (code, _, err) = Ffactors("train", "--set", $"data.dir={dir}", "--set", "data.train-limit=100", "--out", Path.Combine(dir, "runs"));
        Assert.Equal(2, code);
        Assert.Single(err.Split('\n'));
        Assert.Contains(broken, err);
        Assert.False(Directory.Exists(Path.Combine(dir, "runs")));
    }

    [Fact]
    public void Unknown_key_exits_2_with_the_key()
    {
        var (code, _, err) = Ffactors("train", "--set", "train.epochz=1");
        Assert.Equal(2, code);
        Assert.Contains("train.epochz", err);
        Assert.Single(err.Split('\n'));
    }
}
