namespace ActorChannel.Resolution;

/// <summary>
/// Whether a name is listed in the hosts file. DnsClient only speaks DNS, so such names (and localhost) go to the
/// OS resolver instead, which reads the file as the rest of the machine does.
/// </summary>
internal static class HostsFile
{
    public const string DefaultPath = "/etc/hosts";

    /// <summary>Read on every call: the file is small, and an edit should count at the next resolution.</summary>
    public static bool Lists(string path, string host)
    {
        var name = host.TrimEnd('.');
        try
        {
            foreach (var raw in File.ReadLines(path))
            {
                var hash = raw.IndexOf('#');
                var line = hash < 0 ? raw : raw[..hash];
                var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                for (var i = 1; i < fields.Length; i++)
                {
                    if (string.Equals(fields[i], name, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }
            }
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        return false;
    }

    /// <summary>localhost and its subdomains are the OS's by RFC 6761, whatever a DNS server says.</summary>
    public static bool IsLocalhost(string host)
    {
        var name = host.TrimEnd('.');
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }
}
