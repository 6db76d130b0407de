using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace FFActors.Runtime.Transport;

/// <summary>
/// Mutual TLS on data-plane links, with the remote transport's rule: both ends present the cluster's
/// certificate and accept a peer only if its thumbprint is trusted (chain errors are expected for
/// self-signed certificates; the pin is the check).
/// </summary>
/// <param name="trustedThumbprints">The resolved pins (<see cref="Cluster.TlsSetup.Load"/>: this node's own certificate when none are configured).</param>
public sealed class LinkSecurity(X509Certificate2 certificate, IReadOnlyList<string> trustedThumbprints)
{
    readonly HashSet<string> trusted = trustedThumbprints.Count > 0
        ? new(trustedThumbprints, StringComparer.OrdinalIgnoreCase)
        : throw new ArgumentException("data plane: TLS needs at least one trusted certificate thumbprint");

    bool Trusted(object sender, X509Certificate? peer, X509Chain? chain, SslPolicyErrors errors) =>
        peer is not null && trusted.Contains(peer.GetCertHashString());

    public Stream AsServer(Stream raw)
    {
        var ssl = new SslStream(raw, leaveInnerStreamOpen: false, Trusted);
        ssl.AuthenticateAsServer(new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        });
        return ssl;
    }

    public Stream AsClient(Stream raw, string host)
    {
        var ssl = new SslStream(raw, leaveInnerStreamOpen: false, Trusted);
        ssl.AuthenticateAsClient(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ClientCertificates = [certificate],
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        });
        return ssl;
    }
}
