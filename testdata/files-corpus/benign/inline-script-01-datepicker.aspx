<%@ Page Title="Book leave" Language="C#" MasterPageFile="~/Site.Master" AutoEventWireup="true" CodeBehind="Leave.aspx.cs" Inherits="Contoso.HR.Leave" %>
<asp:Content ID="HeadContent" ContentPlaceHolderID="HeadContent" runat="server">
<style>
.cdp-box{position:absolute;z-index:1000;background:#fff;border:1px solid #bbb;box-shadow:0 2px 6px rgba(0,0,0,.2);padding:6px;font:13px/1.3 "Segoe UI",Arial,sans-serif}
.cdp-head{display:flex;justify-content:space-between;align-items:center;margin-bottom:4px}.cdp-title{font-weight:600}
.cdp-grid th{font-weight:400;color:#777;width:28px}.cdp-grid td{padding:0}.cdp-day{width:28px;height:26px;border:0;background:none;cursor:pointer}
.cdp-day:hover{background:#e8f0fe}.cdp-sel{background:#0072c6!important;color:#fff}.cdp-today{font-weight:700}.cdp-day:disabled{color:#ccc;cursor:default}
.cdp-nav,.cdp-todaybtn{border:0;background:none;cursor:pointer;font-size:16px}.cdp-todaybtn{font-size:12px;color:#0072c6}
</style>
<script type="text/javascript">
/*! cdp.js v1.4.2 | Contoso date picker | internal use */
(function(w,d){"use strict";var M=["January","February","March","April","May","June","July","August","September","October","November","December"],S=["Mo","Tu","We","Th","Fr","Sa","Su"],P="cdp-";function z(n){return(n<10?"0":"")+n;}function fmt(t,f){return f.replace(/yyyy|MM|dd|M|d/g,function(k){switch(k){case "yyyy":return String(t.getFullYear());case "MM":return z(t.getMonth()+1);case "dd":return z(t.getDate());case "M":return String(t.getMonth()+1);default:return String(t.getDate());}});}function parse(s,f){var o={y:NaN,m:NaN,d:NaN},i=0,j=0,k,v;while(i<f.length){k=f.substr(i,4)==="yyyy"?"yyyy":f.substr(i,2)==="MM"?"MM":f.substr(i,2)==="dd"?"dd":f.charAt(i);if(k==="yyyy"){v=s.substr(j,4);o.y=+v;j+=4;}else if(k==="MM"){v=s.substr(j,2);o.m=+v-1;j+=2;}else if(k==="dd"){v=s.substr(j,2);o.d=+v;j+=2;}else{if(s.charAt(j)!==k){return null;}j++;}i+=k.length;}if(isNaN(o.y)||isNaN(o.m)||isNaN(o.d)){return null;}var t=new Date(o.y,o.m,o.d);return t.getMonth()===o.m&&t.getDate()===o.d?t:null;}function same(a,b){return a&&b&&a.getFullYear()===b.getFullYear()&&a.getMonth()===b.getMonth()&&a.getDate()===b.getDate();}function el(tag,cls,txt){var e=d.createElement(tag);if(cls){e.className=P+cls;}if(txt!=null){e.appendChild(d.createTextNode(txt));}return e;}function on(e,n,h){if(e.addEventListener){e.addEventListener(n,h,false);}else{e.attachEvent("on"+n,h);}}function off(e,n,h){if(e.removeEventListener){e.removeEventListener(n,h,false);}else{e.detachEvent("on"+n,h);}}function pos(e){var r=e.getBoundingClientRect(),s=d.documentElement;return{x:r.left+(w.pageXOffset||s.scrollLeft),y:r.bottom+(w.pageYOffset||s.scrollTop)};}function Picker(input,opt){var self=this;opt=opt||{};self.i=input;self.f=opt.format||input.getAttribute("data-format")||"yyyy-MM-dd";self.min=opt.min?parse(opt.min,self.f):null;self.max=opt.max?parse(opt.max,self.f):null;self.onSelect=opt.onSelect||null;self.sel=parse(input.value,self.f);self.v=self.sel?new Date(self.sel.getFullYear(),self.sel.getMonth(),1):new Date(new Date().getFullYear(),new Date().getMonth(),1);self.box=el("div","box");self.box.style.display="none";self.box.setAttribute("role","dialog");d.body.appendChild(self.box);self._doc=function(e){var t=e.target||e.srcElement;while(t){if(t===self.box||t===self.i){return;}t=t.parentNode;}self.hide();};self._key=function(e){var k=e.keyCode||e.which;if(k===27){self.hide();}else if(k===40&&self.box.style.display==="none"){self.show();}};on(input,"focus",function(){self.show();});on(input,"keydown",self._key);on(input,"change",function(){var t=parse(self.i.value,self.f);if(t){self.sel=t;self.v=new Date(t.getFullYear(),t.getMonth(),1);self.draw();}});on(self.box,"mousedown",function(e){if(e.preventDefault){e.preventDefault();}});on(self.box,"click",function(e){var t=e.target||e.srcElement,a=t.getAttribute("data-a");if(a==="prev"){self.v.setMonth(self.v.getMonth()-1);self.draw();}else if(a==="next"){self.v.setMonth(self.v.getMonth()+1);self.draw();}else if(a==="today"){self.pick(new Date());}else if(a==="day"&&!t.disabled){self.pick(new Date(self.v.getFullYear(),self.v.getMonth(),+t.getAttribute("data-d")));}});}Picker.prototype.show=function(){var p=pos(this.i);this.draw();this.box.style.left=p.x+"px";this.box.style.top=p.y+2+"px";this.box.style.display="block";on(d,"mousedown",this._doc);};Picker.prototype.hide=function(){this.box.style.display="none";off(d,"mousedown",this._doc);};Picker.prototype.ok=function(t){return!(this.min&&t<this.min)&&!(this.max&&t>this.max);};Picker.prototype.pick=function(t){if(!this.ok(t)){return;}this.sel=t;this.i.value=fmt(t,this.f);this.hide();if(this.onSelect){this.onSelect.call(this.i,t);}var ev;if(d.createEvent){ev=d.createEvent("HTMLEvents");ev.initEvent("change",true,false);this.i.dispatchEvent(ev);}};Picker.prototype.draw=function(){var b=this.box,y=this.v.getFullYear(),m=this.v.getMonth(),today=new Date(),h,tb,tr,td,i,n,first,btn;while(b.firstChild){b.removeChild(b.firstChild);}h=el("div","head");btn=el("button","nav","\u2039");btn.setAttribute("data-a","prev");btn.type="button";h.appendChild(btn);h.appendChild(el("span","title",M[m]+" "+y));btn=el("button","nav","\u203a");btn.setAttribute("data-a","next");btn.type="button";h.appendChild(btn);b.appendChild(h);tb=el("table","grid");tr=d.createElement("tr");for(i=0;i<7;i++){tr.appendChild(el("th","",S[i]));}tb.appendChild(tr);first=(new Date(y,m,1).getDay()+6)% 7;n=new Date(y,m+1,0).getDate();tr=d.createElement("tr");for(i=0;i<first;i++){tr.appendChild(d.createElement("td"));}for(i=1;i<=n;i++){var t=new Date(y,m,i);td=d.createElement("td");btn=el("button","day"+(same(t,this.sel)?" "+P+"sel":"")+(same(t,today)?" "+P+"today":""),String(i));btn.type="button";btn.setAttribute("data-a","day");btn.setAttribute("data-d",String(i));btn.disabled=!this.ok(t);td.appendChild(btn);tr.appendChild(td);if((first+i)% 7===0){tb.appendChild(tr);tr=d.createElement("tr");}}if(tr.firstChild){tb.appendChild(tr);}b.appendChild(tb);btn=el("button","todaybtn","Today");btn.type="button";btn.setAttribute("data-a","today");b.appendChild(btn);};Picker.attach=function(sel,opt){var list=d.querySelectorAll?d.querySelectorAll(sel):[],out=[],i;for(i=0;i<list.length;i++){out.push(new Picker(list[i],opt));}return out;};Picker.format=fmt;Picker.parse=parse;w.ContosoDatePicker=Picker;})(window,document);
</script>
</asp:Content>
<asp:Content ID="MainContent" ContentPlaceHolderID="MainContent" runat="server">
    <h2>Book leave</h2>
    <asp:ValidationSummary runat="server" CssClass="error" />
    <p>
        <asp:Label runat="server" AssociatedControlID="txtFrom" Text="From" />
        <asp:TextBox ID="txtFrom" runat="server" CssClass="date" data-format="dd/MM/yyyy" autocomplete="off" />
        <asp:RequiredFieldValidator runat="server" ControlToValidate="txtFrom" ErrorMessage="Start date is required." Text="*" />
    </p>
    <p>
        <asp:Label runat="server" AssociatedControlID="txtTo" Text="To" />
        <asp:TextBox ID="txtTo" runat="server" CssClass="date" data-format="dd/MM/yyyy" autocomplete="off" />
        <asp:CustomValidator runat="server" ControlToValidate="txtTo" ClientValidationFunction="checkRange" OnServerValidate="cvRange_ServerValidate" ErrorMessage="The end date must not be before the start date." Text="*" />
    </p>
    <p>
        <asp:Label runat="server" AssociatedControlID="ddlType" Text="Type" />
        <asp:DropDownList ID="ddlType" runat="server">
            <asp:ListItem Value="annual">Annual leave</asp:ListItem>
            <asp:ListItem Value="unpaid">Unpaid leave</asp:ListItem>
            <asp:ListItem Value="training">Training</asp:ListItem>
        </asp:DropDownList>
    </p>
    <asp:Button ID="btnSubmit" runat="server" Text="Submit request" OnClick="btnSubmit_Click" />
    <script type="text/javascript">
        var pickers = ContosoDatePicker.attach("input.date", { min: "<%= DateTime.Today.ToString("dd/MM/yyyy") %>" });
        function checkRange(src, args) {
            var f = ContosoDatePicker.parse(document.getElementById("<%= txtFrom.ClientID %>").value, "dd/MM/yyyy");
            var t = ContosoDatePicker.parse(args.Value, "dd/MM/yyyy");
            args.IsValid = !f || !t || t >= f;
        }
    </script>
</asp:Content>
