using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FFActors.TestSupport;

/// <summary>Certificates for the TLS tests, made on the spot.</summary>
public static class Certificates
{
    /// <summary>A self-signed certificate for server and client authentication, written as a PKCS#12 file; returns its path.</summary>
    public static string SelfSigned(string dir, string name, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client auth
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(dir, name + ".pfx");
        File.WriteAllBytes(path, cert.Export(X509ContentType.Pfx, password));
        return path;
    }
}
