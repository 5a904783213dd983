// Package iisconfig reads the IIS configuration files found on a copy of an Exchange server's
// disk, applicationHost.config and web.config, and answers the questions a hunt asks of them:
//
//   - Which folders do the sites serve? ProxyShell-era attackers added virtual directories that
//     point into ProgramData (or Users\All Users, its old alias), so that a file they drop there
//     is reachable from the web. A hunt must walk every served folder, not only inetpub\wwwroot.
//   - Where do the sites log? Logs outside the default folder are logs a hunt would otherwise miss.
//   - Are Microsoft's URL Rewrite mitigations for ProxyLogon and ProxyNotShell in force? They tell
//     a responder that an unpatched server was at least shielded, and since when the rules exist.
//   - Which handler mappings make odd files run as code (a web.config that maps *.gif or *.config
//     to an ASP.NET or ASP handler turns an image or the config itself into a web shell)?
//
// The files are read from a disk that attackers had write access to, so hostile input is normal
// input: everything is bounded (input size, nesting depth, number of items kept), nothing is
// fetched or expanded (no external entities, no custom entities, no configSource includes), and a
// broken file yields what could be read before the damage together with an error that says where.
//
// Mitigations are recognised by what the rules do, never by their names: admins and attackers
// rename rules, and a rule named like Microsoft's can be made harmless by a changed pattern.
//
// Paths written in the configuration (%SystemDrive%\inetpub\wwwroot, D:\Sites, \\server\share)
// are turned into paths relative to the system drive by ResolvePath, which never touches the file
// system: the caller decides where the copy of the drive lives.
package iisconfig
